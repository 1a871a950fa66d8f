// The vote panel of the live meeting page (views/partials/meeting-votes.hbs), tablet first:
// - fills itself from /meetings/:id/votes/panel (the open votes, with big buttons);
// - follows the live page's 'meeting-event' DOM events: vote.progress updates the count in place,
//   vote.opened and vote.closed fetch the panel again (spread over a second, not all at once);
// - sends a ballot or a close without leaving the page and shows the secret ballot's receipt,
//   which is kept nowhere but on this screen.
(function () {
  'use strict';
  var root = document.getElementById('meeting-votes');
  if (!root || typeof window.fetch !== 'function') return;
  var slot = root.querySelector('[data-votes-slot]');
  var receiptBox = root.querySelector('[data-vote-receipt]');
  var messageBox = root.querySelector('[data-vote-message]');
  var url = root.getAttribute('data-panel-url');
  var loading = null;

  function text(el, value) {
    el.textContent = value;
  }

  function load() {
    if (loading) return loading;
    loading = fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (res) {
        return res.ok ? res.text() : null;
      })
      .then(function (html) {
        if (html != null) slot.innerHTML = html;
      })
      .catch(function () {})
      .then(function () {
        loading = null;
      });
    return loading;
  }

  function later() {
    setTimeout(load, Math.random() * 1000);
  }

  function showMessage(message) {
    text(messageBox, message);
    messageBox.hidden = !message;
  }

  function showReceipt(receipt) {
    receiptBox.innerHTML = '';
    var done = document.createElement('p');
    done.appendChild(document.createElement('strong'));
    text(done.firstChild, root.getAttribute('data-t-done'));
    receiptBox.appendChild(done);
    if (receipt) {
      var line = document.createElement('p');
      line.appendChild(document.createTextNode(root.getAttribute('data-t-receipt') + ': '));
      var code = document.createElement('code');
      code.className = 'receipt-code';
      code.setAttribute('data-testid', 'receipt');
      text(code, receipt);
      line.appendChild(code);
      receiptBox.appendChild(line);
      var hint = document.createElement('p');
      hint.className = 'muted';
      text(hint, root.getAttribute('data-t-receipt-hint'));
      receiptBox.appendChild(hint);
    }
    receiptBox.hidden = false;
  }

  root.addEventListener('submit', function (e) {
    var form = e.target;
    if (!form || !form.hasAttribute('data-vote-form')) return;
    e.preventDefault();
    var confirmText = form.getAttribute('data-confirm');
    if (confirmText && !window.confirm(confirmText)) return;
    var body = new URLSearchParams();
    new FormData(form).forEach(function (v, k) {
      body.append(k, v);
    });
    if (e.submitter && e.submitter.name) body.append(e.submitter.name, e.submitter.value);
    var buttons = form.querySelectorAll('button');
    buttons.forEach(function (b) {
      b.disabled = true;
    });
    showMessage('');
    fetch(form.action, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
      body: body,
    })
      .then(function (res) {
        return res.json().then(
          function (json) {
            return { ok: res.ok, json: json };
          },
          function () {
            return { ok: res.ok, json: {} };
          },
        );
      })
      .then(function (r) {
        if (!r.ok) {
          showMessage((r.json.error && r.json.error.message) || '');
        } else if (form.action.indexOf('/ballots') !== -1) {
          showReceipt(r.json.receipt || null);
        }
        return load();
      })
      .catch(function () {
        buttons.forEach(function (b) {
          b.disabled = false;
        });
      });
  });

  document.addEventListener('meeting-event', function (e) {
    var event = e.detail || {};
    var data = event.data || {};
    if (event.type === 'vote.progress') {
      var card = root.querySelector('[data-vote-id="' + Number(data.voteId) + '"]');
      var line = card && card.querySelector('[data-vote-progress]');
      if (line) {
        var shown = Number(line.getAttribute('data-cast') || 0);
        var cast = Math.max(shown, Number(data.cast) || 0);
        line.setAttribute('data-cast', String(cast));
        text(
          line,
          root
            .getAttribute('data-t-progress')
            .replace('__C__', String(cast))
            .replace('__E__', String(data.eligible)),
        );
      }
    } else if (event.type === 'vote.opened' || event.type === 'vote.closed') {
      if (event.type === 'vote.opened') receiptBox.hidden = true;
      later();
    }
  });

  load();
})();
