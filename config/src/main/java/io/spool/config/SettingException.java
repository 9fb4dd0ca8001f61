package io.spool.config;

/**
 * A bad setting, said in the words the user typed: {@code --port 70000: must be between 0 and 65535}
 * or {@code SPOOL_PORT=70000: …}. Command lines print the message as one line and exit 2.
 */
public final class SettingException extends IllegalArgumentException {
    private final Setting<?> setting;

    public SettingException(Setting<?> setting, String message) {
        super(message);
        this.setting = setting;
    }

    public Setting<?> setting() {
        return setting;
    }
}
