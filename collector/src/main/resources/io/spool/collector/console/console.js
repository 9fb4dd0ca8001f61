// The Spool console: reads /console/stream (server-sent events over fetch, so that the key travels in a
// header and never in a URL) and renders what each update carries. No framework, no outside assets.
(function () {
  'use strict';
  var MAX_ROWS = 500;
  var COLORS = ['#0969da', '#1a7f37', '#bf3989', '#9a6700', '#8250df', '#cf222e', '#1b7c83', '#6e7781'];
  var $ = function (id) { return document.getElementById(id); };
  var controller = null;
  var retryTimer = null;
  var latestRates = null;

  function text(tag, cls, value) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (value !== undefined && value !== null) el.textContent = value;
    return el;
  }

  function time(iso) {
    if (!iso) return '';
    var d = new Date(iso);
    return d.toLocaleTimeString([], {hour12: false}) + '.' + String(d.getMilliseconds()).padStart(3, '0');
  }

  function status(message, cls) {
    var s = $('status');
    s.textContent = message;
    s.className = 'status ' + (cls || '');
  }

  function filters() {
    var q = new URLSearchParams();
    ['writeKey', 'type', 'event', 'userId'].forEach(function (f) {
      var v = $('filter-' + f).value.trim();
      if (v) q.set(f, v);
    });
    return q.toString();
  }

  function connect() {
    var key = $('key').value.trim();
    if (!key) { status('enter a write key or the admin key', 'error'); return; }
    sessionStorage.setItem('spool.console.key', key);
    if (controller) controller.abort();
    if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
    $('events').textContent = '';
    $('dead-letters').textContent = '';
    controller = new AbortController();
    var mine = controller;
    var query = filters();
    status('connecting…');
    fetch('/console/stream' + (query ? '?' + query : ''), {
      headers: {'Authorization': 'Bearer ' + key, 'Accept': 'text/event-stream'},
      signal: mine.signal
    }).then(function (response) {
      if (!response.ok) {
        return response.json().then(function (body) {
          status('refused (' + response.status + '): ' + (body.error || response.statusText), 'error');
        }, function () { status('refused (' + response.status + ')', 'error'); });
      }
      status('connected', 'ok');
      return read(response.body.getReader(), mine);
    }).catch(function (e) {
      if (mine.signal.aborted) return;
      status('disconnected (' + e.message + '); retrying', 'error');
      retryTimer = setTimeout(connect, 2000);
    });
  }

  function read(reader, mine) {
    var decoder = new TextDecoder();
    var buffer = '';
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) {
          if (!mine.signal.aborted) { status('disconnected; retrying', 'error'); retryTimer = setTimeout(connect, 2000); }
          return;
        }
        buffer += decoder.decode(chunk.value, {stream: true});
        var end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          var block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          var data = [];
          block.split('\n').forEach(function (line) {
            if (line.indexOf('data:') === 0) data.push(line.slice(line.charAt(5) === ' ' ? 6 : 5));
          });
          if (data.length) update(JSON.parse(data.join('\n')));
        }
        return pump();
      });
    }
    return pump();
  }

  function update(u) {
    var list = $('events');
    // An update lists its events newest first; the newest of all go on top.
    for (var i = u.events.length - 1; i >= 0; i--) list.insertBefore(eventRow(u.events[i]), list.firstChild);
    while (list.childNodes.length > MAX_ROWS) list.removeChild(list.lastChild);
    $('events-empty').hidden = list.childNodes.length > 0;
    var letters = $('dead-letters');
    for (var j = u.deadLetters.length - 1; j >= 0; j--) letters.insertBefore(letterRow(u.deadLetters[j]), letters.firstChild);
    while (letters.childNodes.length > MAX_ROWS) letters.removeChild(letters.lastChild);
    $('letters-empty').hidden = letters.childNodes.length > 0;
    var notes = [];
    if (u.sampledOut > 0) notes.push('sampled: ' + u.sampledOut + ' of ' + u.seen + ' events read were counted but not listed');
    if (u.skippedAhead > 0) notes.push('the console fell behind the journal and skipped ahead ' + u.skippedAhead + ' time(s); rates miss what it skipped');
    $('sampling').textContent = notes.join(' · ');
    latestRates = u.rates;
    drawRates();
    writer(u.writer);
    if (u.schema) schema(u.schema);
  }

  function eventRow(e) {
    var li = text('li', 'event');
    li.dataset.type = e.type;
    var row = text('div', 'row');
    row.appendChild(text('span', 'time', time(e.receivedAt)));
    row.appendChild(text('span', 'type', e.type));
    row.appendChild(text('span', 'name', e.event || e.name || ''));
    row.appendChild(text('span', 'who', e.userId ? 'user ' + e.userId : (e.anonymousId ? 'anon ' + e.anonymousId : '')));
    row.appendChild(text('span', 'key', e.writeKey || ''));
    li.appendChild(row);
    li.appendChild(text('pre', 'json', JSON.stringify(e, null, 2)));
    li.addEventListener('click', function () { li.classList.toggle('open'); });
    return li;
  }

  function letterRow(d) {
    var li = text('li', 'letter');
    var row = text('div', 'row');
    row.appendChild(text('span', 'time', time(d.receivedAt)));
    row.appendChild(text('span', 'key', d.writeKey || ''));
    li.appendChild(row);
    li.appendChild(text('div', 'reason', d.reason));
    var payload = d.payload;
    try { payload = JSON.stringify(JSON.parse(d.payload), null, 2); } catch (notJson) { /* shown as received */ }
    li.appendChild(text('pre', 'payload', payload === undefined ? '(no payload)' : payload));
    li.addEventListener('click', function () { li.classList.toggle('open'); });
    return li;
  }

  function drawRates() {
    var canvas = $('rates');
    var ctx = canvas.getContext('2d');
    var w = canvas.width, h = canvas.height;
    ctx.clearRect(0, 0, w, h);
    var legend = $('legend');
    legend.textContent = '';
    if (!latestRates) return;
    var series = latestRates.series;
    var max = 1;
    series.forEach(function (s) { s.counts.forEach(function (c) { if (c > max) max = c; }); });
    ctx.fillStyle = '#6a737d';
    ctx.font = '10px sans-serif';
    ctx.fillText(max + '/s', 4, 10);
    series.forEach(function (s, i) {
      var color = COLORS[i % COLORS.length];
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      s.counts.forEach(function (c, x) {
        var px = x * (w - 1) / (s.counts.length - 1);
        var py = h - 2 - (c / max) * (h - 14);
        if (x === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
      });
      ctx.stroke();
      var last = s.counts[s.counts.length - 2] || 0;
      var item = text('li', null);
      var swatch = text('i', null);
      swatch.style.background = color;
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(s.writeKey + ' · ' + s.type + ' ' + last + '/s'));
      legend.appendChild(item);
    });
  }

  function writer(w) {
    var dl = $('writer');
    dl.textContent = '';
    function row(k, v) { dl.appendChild(text('dt', null, k)); dl.appendChild(text('dd', null, v)); }
    if (w === null || w === undefined) { row('status', 'no writer configured (--console-writer-metrics)'); return; }
    if (w.error) { row('status', w.error); return; }
    row('lag', w.lagSeconds === undefined ? 'unknown' : w.lagSeconds.toFixed(1) + ' s');
    if (w.pendingRecords !== undefined) row('pending records', String(w.pendingRecords));
    row('last commit', w.lastCommit ? new Date(w.lastCommit).toLocaleTimeString([], {hour12: false}) : 'none seen');
    if (w.commits !== undefined) row('commits', String(w.commits));
    if (w.rowsCommitted !== undefined) row('rows committed', String(w.rowsCommitted));
    if (w.commitFailures) row('commit failures', String(w.commitFailures));
  }

  function schema(entries) {
    var root = $('schema');
    root.textContent = '';
    if (!entries.length) { root.appendChild(text('p', 'muted', 'Nothing seen yet.')); return; }
    entries.sort(function (a, b) { return b.lastSeen - a.lastSeen; });
    entries.forEach(function (s) {
      var table = text('table', 'schema-event');
      table.dataset.name = s.name;
      var head = text('tr');
      var th = text('th', null, s.name + ' ');
      th.colSpan = 2;
      th.appendChild(text('span', 'muted', s.type + ' · ' + s.writeKey + ' · ' + s.count + ' seen, first '
          + new Date(s.firstSeen).toLocaleTimeString([], {hour12: false}) + ', last '
          + new Date(s.lastSeen).toLocaleTimeString([], {hour12: false})));
      head.appendChild(th);
      table.appendChild(head);
      Object.keys(s.properties).forEach(function (p) {
        var types = s.properties[p];
        var names = Object.keys(types);
        var tr = text('tr', names.length > 1 ? 'property mixed' : 'property');
        tr.dataset.property = p;
        tr.appendChild(text('td', null, p));
        tr.appendChild(text('td', 'types', names.map(function (t) { return t + ' ×' + types[t]; }).join(', ')));
        table.appendChild(tr);
      });
      root.appendChild(table);
    });
  }

  $('access').addEventListener('submit', function (e) { e.preventDefault(); connect(); });
  $('filters').addEventListener('submit', function (e) { e.preventDefault(); connect(); });
  $('clear').addEventListener('click', function () {
    ['writeKey', 'type', 'event', 'userId'].forEach(function (f) { $('filter-' + f).value = ''; });
    connect();
  });
  var saved = sessionStorage.getItem('spool.console.key');
  if (saved) { $('key').value = saved; connect(); }
})();
