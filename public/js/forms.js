// Forms that help (progressive enhancement; every form works without it).
// - Date fields are typed day first: "5/3/2026", "05032026" or "5-3-2026" become "05/03/2026".
// - After a refused form, the first field in error gets the focus.
(function () {
  'use strict';
  var pad = function (n) {
    return (n.length === 1 ? '0' : '') + n;
  };

  function normaliseDate(text) {
    var t = text.trim();
    var m =
      /^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})$/.exec(t) || /^(\d{2})(\d{2})(\d{4})$/.exec(t);
    return m ? pad(m[1]) + '/' + pad(m[2]) + '/' + m[3] : t;
  }

  function normaliseDateTime(text) {
    var m = /^(.+?)[ T,]+(\d{1,2}):(\d{2})$/.exec(text.trim());
    return m ? normaliseDate(m[1]) + ' ' + pad(m[2]) + ':' + m[3] : text.trim();
  }

  function enhanceDates(root) {
    root.querySelectorAll('input[data-date]').forEach(function (input) {
      input.addEventListener('blur', function () {
        input.value = normaliseDate(input.value);
      });
    });
    root.querySelectorAll('input[data-datetime]').forEach(function (input) {
      input.addEventListener('blur', function () {
        input.value = normaliseDateTime(input.value);
      });
    });
  }

  function focusFirstError() {
    var field = document.querySelector(
      'form [aria-invalid="true"]:not([type="hidden"]):not([disabled])',
    );
    if (!field) {
      var message = document.querySelector('form .field-error');
      if (message && message.id && /-error$/.test(message.id))
        field = document.getElementById(message.id.replace(/-error$/, ''));
    }
    if (field && typeof field.focus === 'function') {
      field.focus();
      if (typeof field.scrollIntoView === 'function') field.scrollIntoView({ block: 'center' });
    }
  }

  // The sender field suggests the agency's sender directory (a <datalist> filled as one types);
  // a sender picked from it brings its agency code along when that field is empty.
  function enhanceSenderLookup(input) {
    var list = input.list;
    var codeField = document.getElementById(input.getAttribute('data-sender-code') || '');
    var known = {};
    var timer = null;
    var ask = function () {
      var q = input.value.trim();
      if (q.length < 2 || !list) return;
      fetch(input.getAttribute('data-sender-lookup') + '?q=' + encodeURIComponent(q), {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
      })
        .then(function (res) {
          return res.ok ? res.json() : { senders: [] };
        })
        .then(function (body) {
          list.textContent = '';
          (body.senders || []).forEach(function (s) {
            known[s.name] = s.code || '';
            var option = document.createElement('option');
            option.value = s.name;
            if (s.code) option.textContent = s.code;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    };
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 200);
    });
    input.addEventListener('change', function () {
      var code = known[input.value];
      if (codeField && code && !codeField.value) codeField.value = code;
    });
  }

  // A field that matters for one choice only (the time of "Hỏa tốc hẹn giờ") is shown for that
  // choice: data-shown-when="urgency=4". It stays shown while it holds a value or an error, so
  // nothing typed is hidden away.
  // data-shown-when="control=value" (or "control=a|b"): the box shows for those values of the
  // control; else it stays while it holds something typed or refused. With data-shown-strict it
  // shows for those values only, its fields disabled (not sent) while hidden, unless refused.
  function enhanceShownWhen(root) {
    root.querySelectorAll('[data-shown-when]').forEach(function (box) {
      var rule = box.getAttribute('data-shown-when').split('=');
      var control = document.getElementById(rule[0]);
      if (!control) return;
      var values = rule[1].split('|');
      var strict = box.hasAttribute('data-shown-strict');
      var fields = box.querySelectorAll('input, select, textarea');
      var update = function () {
        var refused = Array.prototype.some.call(fields, function (field) {
          return field.getAttribute('aria-invalid') === 'true';
        });
        var held = Array.prototype.some.call(fields, function (field) {
          return field.value.trim() !== '';
        });
        var shown = values.indexOf(control.value) !== -1 || refused || (!strict && held);
        box.hidden = !shown;
        if (strict)
          Array.prototype.forEach.call(fields, function (field) {
            field.disabled = !shown;
          });
      };
      control.addEventListener('change', update);
      update();
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('input[data-sender-lookup]').forEach(enhanceSenderLookup);
    enhanceDates(document);
    enhanceShownWhen(document);
    focusFirstError();
  });
})();
