// The live meeting page and the room display follow the meeting through server-sent events
// (progressive enhancement: without it the page shows the state when it was opened).
// - EventSource on /meetings/:id/events from the page's last event id; it reconnects by itself
//   (Last-Event-ID); a 'reload' or 'closed' event reloads the page.
// - The current item, its timer, the speaker's countdown, the queue, presence and attendance are
//   redrawn from the events; vote.* events are passed on as a 'meeting-event' DOM event.
// - The room's buttons post with fetch (JSON) and keep the page; the stream shows the result.
(function () {
  'use strict';
  var root = document.getElementById('meeting-live');
  if (!root || typeof window.EventSource !== 'function') return;
  var state = JSON.parse(root.getAttribute('data-state') || '{}');
  // A closed meeting has nothing live left: no stream to follow, no timer to run; the page says
  // it has ended (the server refuses its stream with 204, which EventSource reports as an error).
  if (state.meeting && state.meeting.status === 'closed') return;
  var meetingId = root.getAttribute('data-meeting-id');
  var lastId = Number(root.getAttribute('data-last-event-id') || '0');
  var isScreen = root.hasAttribute('data-screen');
  var csrf = root.getAttribute('data-csrf');
  var $ = function (id) {
    return document.getElementById(id);
  };
  var tr = function (key) {
    return root.getAttribute('data-t-' + key) || '';
  };
  var failed = function (status) {
    return tr('failed').replace('__S__', status);
  };
  var esc = function (s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  };
  var clock = function (seconds) {
    var s = Math.max(0, Math.floor(seconds));
    var m = Math.floor(s / 60);
    var r = s % 60;
    return (m < 10 ? '0' : '') + m + ':' + (r < 10 ? '0' : '') + r;
  };
  // The server's clock as the events tell it, so countdowns agree across tablets.
  var skew = 0;

  // 'live', 'lost' (EventSource reconnects by itself) or 'stopped' (it gave up: reload).
  function setConnection(how) {
    var el = $('live-connection');
    if (!el) return;
    el.textContent = el.getAttribute('data-' + how) || '';
    el.className = 'live-connection ' + (how === 'live' ? 'ok' : 'lost');
  }

  function renderCurrent() {
    var el = $('live-current');
    if (!el) return;
    var c = state.current;
    if (!c || !c.itemId) {
      el.innerHTML = '<p class="live-item-title">' + esc(tr('no-current')) + '</p>';
      return;
    }
    var label = tr('item-n').replace('__N__', c.position);
    if (c.confidential || c.title == null) {
      el.innerHTML =
        '<p class="live-item-title">' +
        esc(label) +
        '</p><p class="muted">' +
        esc(tr('confidential')) +
        '</p>';
      return;
    }
    var html = '<p class="live-item-title">' + esc(c.position + '. ' + c.title) + '</p>';
    if (c.presenter) html += '<p>' + esc(tr('presenter') + ': ' + c.presenter) + '</p>';
    if (!isScreen) {
      var docs = (c.documents || []).map(function (d) {
        var url = d.url || '/meetings/' + meetingId + '/documents/' + d.id;
        return '<li><a class="big-link" href="' + esc(url) + '">' + esc(d.title) + '</a></li>';
      });
      html +=
        '<ul class="live-docs">' +
        (docs.join('') || '<li class="muted">' + esc(tr('no-documents')) + '</li>') +
        '</ul>';
    }
    el.innerHTML = html;
  }

  function renderAgenda() {
    var list = $('live-agenda');
    if (!list || !state.current) return;
    list.querySelectorAll('li[data-item-id]').forEach(function (li) {
      var id = Number(li.getAttribute('data-item-id'));
      var status = li.getAttribute('data-status');
      if (id === state.current.itemId) status = 'current';
      else if (status === 'current') status = 'done';
      li.setAttribute('data-status', status);
      li.className = 'item-' + status;
      var label = li.querySelector('.item-status');
      if (label && tr('status-' + status)) label.textContent = tr('status-' + status);
    });
  }

  function tickTimers() {
    var now = Date.now() + skew;
    var t = state.current && state.current.timer;
    var el = $('live-timer');
    if (el && t) {
      var since = t.running ? (now - Date.parse(t.at)) / 1000 : 0;
      var spent = t.elapsedSeconds + since;
      el.textContent =
        clock(spent) + (t.plannedMinutes ? ' / ' + clock(t.plannedMinutes * 60) : '');
      el.className = t.plannedMinutes && spent > t.plannedMinutes * 60 ? 'over' : '';
    }
    var sp = state.speaking;
    var box = $('live-countdown');
    if (sp && box && sp.startedAt && sp.allottedSeconds) {
      var left = sp.allottedSeconds - (now - Date.parse(sp.startedAt)) / 1000;
      box.textContent = (left < 0 ? '-' : '') + clock(Math.abs(left));
      box.className = 'countdown' + (left < 0 ? ' over' : left < 30 ? ' soon' : '');
    }
  }

  // A refusal names what is wrong: the fields' own messages ("Vui lòng ghi lý do vắng."), each
  // field marked and the first focused, rather than the general "check the marked fields".
  function refused(error, form) {
    var fields = (error && error.fields) || {};
    var names = Object.keys(fields);
    var first = null;
    if (form) {
      form.querySelectorAll('[aria-invalid]').forEach(function (el) {
        el.removeAttribute('aria-invalid');
      });
      names.forEach(function (name) {
        var el = form.querySelector('[name="' + name + '"]');
        if (!el) return;
        el.setAttribute('aria-invalid', 'true');
        first = first || el;
      });
    }
    var said = names.map(function (name) {
      return fields[name];
    });
    window.alert(said.length ? said.join(String.fromCharCode(10)) : (error && error.message) || '');
    if (first) first.focus();
  }

  function post(url, body, form) {
    var data = new URLSearchParams(body || {});
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'X-CSRF-Token': csrf || '' },
      body: data,
    }).then(function (res) {
      if (res.ok) {
        if (form)
          form.querySelectorAll('[aria-invalid]').forEach(function (el) {
            el.removeAttribute('aria-invalid');
          });
        return res.json();
      }
      return res.json().then(
        function (j) {
          if (j && j.error && (j.error.message || j.error.fields)) refused(j.error, form);
          else window.alert(failed(res.status));
        },
        function () {
          window.alert(failed(res.status));
        },
      );
    });
  }

  function renderSpeaker() {
    var el = $('live-speaker');
    if (!el) return;
    var sp = state.speaking;
    el.innerHTML = sp
      ? '<p class="speaker-name">' +
        esc(sp.name) +
        '</p><p id="live-countdown" class="countdown"></p>'
      : '';
  }

  function renderQueue() {
    var list = $('live-queue');
    if (!list) return;
    var canRun = list.getAttribute('data-can-run') === '1';
    var base = '/meetings/' + meetingId + '/speeches/';
    var rows = (state.queue || []).map(function (q) {
      var html = '<li data-speech-id="' + q.speechId + '" data-status="' + q.status + '">';
      html += '<span class="name">' + esc(q.name) + '</span>';
      if (q.status === 'speaking') html += ' — <strong>' + esc(tr('speaking')) + '</strong>';
      if (canRun && q.status === 'queued') {
        html +=
          ' <input type="number" min="1" max="60" value="3" class="minutes" aria-label="' +
          esc(tr('minutes')) +
          '">' +
          '<button type="button" data-post="' +
          base +
          q.speechId +
          '/grant" data-testid="grant-' +
          q.speechId +
          '">' +
          esc(tr('grant')) +
          '</button>' +
          ' <button type="button" class="link" data-post="' +
          base +
          q.speechId +
          '/decline">' +
          esc(tr('decline')) +
          '</button>';
      }
      if (canRun && q.status === 'speaking') {
        html +=
          ' <button type="button" data-post="' +
          base +
          q.speechId +
          '/end" data-testid="end-' +
          q.speechId +
          '">' +
          esc(tr('end')) +
          '</button>';
      }
      return html + '</li>';
    });
    list.innerHTML = rows.join('') || '<li class="muted queue-empty">' + esc(tr('empty')) + '</li>';
  }

  function renderMe() {
    var el = $('live-me');
    if (!el || !state.me) return;
    var mine = (state.queue || []).filter(function (q) {
      return q.participantId === state.me.participantId;
    })[0];
    state.me.speechId = mine ? mine.speechId : null;
    state.me.speechStatus = mine ? mine.status : null;
    var base = '/meetings/' + meetingId + '/speeches';
    if (!mine) {
      el.innerHTML =
        '<button type="button" class="big primary" data-post="' +
        base +
        '" data-testid="ask-to-speak">' +
        esc(tr('ask')) +
        '</button>';
    } else if (mine.status === 'queued') {
      el.innerHTML =
        '<p>' +
        esc(tr('queued')) +
        '</p><button type="button" class="big" data-post="' +
        base +
        '/' +
        mine.speechId +
        '/withdraw" data-testid="withdraw-speech">' +
        esc(tr('withdraw')) +
        '</button>';
    } else el.innerHTML = '<p>' + esc(tr('me-speaking')) + '</p>';
  }

  function renderPresence(p) {
    var el = $('live-presence');
    if (!el || !p) return;
    el.textContent = tr('presence')
      .replace('__P__', p.present)
      .replace('__T__', p.total)
      .replace('__PV__', p.presentVoting)
      .replace('__TV__', p.totalVoting);
  }

  function renderVote(type, data) {
    var box = $('screen-vote');
    if (!box) return;
    var body = $('screen-vote-body');
    var lines = [];
    if (data.question) lines.push('<p class="vote-question">' + esc(data.question) + '</p>');
    var lng = root.getAttribute('data-lng') || 'vi';
    (Array.isArray(data.tallies) ? data.tallies : []).forEach(function (t) {
      var label = t.labels && t.labels[lng] ? t.labels[lng] : t.label;
      lines.push('<p>' + esc(label) + ': <strong>' + esc(t.weight) + '</strong></p>');
    });
    var sentence = data.sentence && typeof data.sentence === 'object' ? data.sentence[lng] : null;
    var text = sentence || data.sentence || data.resultText || data.summary;
    if (text) lines.push('<p class="vote-result">' + esc(text) + '</p>');
    if (type === 'vote.opened') lines = data.question ? [lines[0]] : [];
    if (!lines.length) return;
    body.innerHTML = lines.join('');
    box.hidden = false;
  }

  var handlers = {
    'item.current': function (d) {
      state.current = d.itemId
        ? {
            itemId: d.itemId,
            position: d.position,
            title: d.confidential ? null : d.title,
            presenter: d.presenter || null,
            confidential: Boolean(d.confidential),
            documents: d.documents || [],
            timer: d.timer,
          }
        : null;
      state.queue = [];
      state.speaking = null;
      renderCurrent();
      renderAgenda();
      renderQueue();
      renderSpeaker();
      renderMe();
    },
    'timer.changed': function (d) {
      if (state.current && state.current.itemId === d.itemId) state.current.timer = d;
    },
    'attendance.changed': function (d) {
      renderPresence(d.presence);
      var select = document.querySelector('#att-' + d.participantId);
      if (select && d.attendance) select.value = d.attendance;
    },
    'meeting.opened': function () {
      window.location.reload();
    },
    // The server ends the streams of a closed meeting: no reconnecting, the page says it ended.
    'meeting.closed': function () {
      source.close();
      window.location.reload();
    },
    // The agenda or the meeting was changed by its organisers: read the page again, each
    // tablet at its own moment so a full room does not ask all at once.
    'agenda.changed': reloadSoon,
    'meeting.changed': reloadSoon,
  };
  function reloadSoon() {
    setTimeout(function () {
      window.location.reload();
    }, Math.random() * 3000);
  }
  ['queued', 'withdrawn', 'started', 'ended', 'declined'].forEach(function (k) {
    handlers['speech.' + k] = function (d) {
      state.queue = d.queue || [];
      state.speaking = d.speaking || null;
      renderQueue();
      renderSpeaker();
      renderMe();
    };
  });

  function onEvent(msg) {
    var event;
    try {
      event = JSON.parse(msg.data);
    } catch {
      return;
    }
    if (msg.lastEventId) lastId = Number(msg.lastEventId);
    if (event.at) skew = Date.parse(event.at) - Date.now();
    if (handlers[event.type]) handlers[event.type](event.data || {});
    if (event.type.indexOf('vote.') === 0) renderVote(event.type, event.data || {});
    document.dispatchEvent(
      new CustomEvent('meeting-event', {
        detail: { id: lastId, type: event.type, data: event.data },
      }),
    );
  }

  var source = new EventSource('/meetings/' + meetingId + '/events?lastEventId=' + lastId);
  source.onmessage = onEvent;
  source.onopen = function () {
    setConnection('live');
  };
  source.onerror = function () {
    // CLOSED: the server refused the stream (the meeting closed meanwhile, access lost…) and
    // EventSource will not try again; otherwise it is reconnecting.
    setConnection(source.readyState === EventSource.CLOSED ? 'stopped' : 'lost');
  };
  source.addEventListener('reload', function () {
    window.location.reload();
  });
  source.addEventListener('closed', function () {
    source.close();
    window.location.reload();
  });

  // The room's buttons: post in the background, the stream brings the change.
  document.addEventListener('click', function (e) {
    var button = e.target.closest && e.target.closest('[data-post]');
    if (!button) return;
    e.preventDefault();
    var body = {};
    var minutes = button.parentNode.querySelector('input.minutes');
    if (minutes) body.minutes = minutes.value;
    post(button.getAttribute('data-post'), body);
  });
  document.querySelectorAll('form[data-live-action]').forEach(function (form) {
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var body = {};
      new FormData(form).forEach(function (v, k) {
        if (k !== '_csrf') body[k] = v;
      });
      if (e.submitter && e.submitter.name) body[e.submitter.name] = e.submitter.value;
      post(form.getAttribute('action'), body, form);
    });
  });

  renderSpeaker();
  setInterval(tickTimers, 500);
  tickTimers();
})();
