// The leader's direction form on a tablet (progressive enhancement; the form works without it).
// - Each <select data-picker> (lead, support, info) becomes two pickers, units and people, each
//   with a search field that filters as you type (accents and case ignored, "d" finds "đ") and
//   items large enough to tap; the select stays the form's field and follows every tap.
// - Ready-made direction phrases are inserted into the direction text with one tap, with the
//   chosen lead and supporting units or people put in.
const fold = (text) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();

const chosenNames = (select) =>
  select
    ? [...select.selectedOptions]
        .filter((o) => o.value)
        .map((o) => o.dataset.name || o.textContent.trim())
    : [];

function labelOf(select) {
  const label = select.id ? document.querySelector(`label[for="${select.id}"]`) : null;
  return label ? label.textContent.trim() : select.name;
}

function buildGroup(select, kind, title, placeholder, noMatch, refreshAll) {
  const group = document.createElement('div');
  group.className = 'picker-group';
  group.setAttribute('data-testid', `picker-${select.name}-${kind === 'd' ? 'units' : 'people'}`);
  const head = document.createElement('div');
  head.className = 'picker-head';
  head.textContent = title;
  const search = document.createElement('input');
  search.type = 'search';
  search.placeholder = placeholder;
  search.autocomplete = 'off';
  search.setAttribute('aria-label', `${labelOf(select)}: ${placeholder}`);
  const list = document.createElement('ul');
  list.className = 'picker-list';
  const empty = document.createElement('p');
  empty.className = 'muted picker-empty';
  empty.textContent = noMatch;
  empty.hidden = true;
  const items = [];
  for (const option of select.options) {
    if (!option.value.startsWith(`${kind}:`)) continue;
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'picker-item';
    button.dataset.value = option.value;
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = option.dataset.name || option.textContent.trim();
    button.append(name);
    if (option.dataset.title) {
      const role = document.createElement('span');
      role.className = 'title';
      role.textContent = option.dataset.title;
      button.append(role);
    }
    button.addEventListener('click', () => {
      if (select.multiple) option.selected = !option.selected;
      else select.value = option.value;
      select.dispatchEvent(new Event('change', { bubbles: true }));
      refreshAll();
    });
    item.append(button);
    list.append(item);
    items.push({ item, button, text: fold(option.textContent) });
  }
  search.addEventListener('input', () => {
    const words = fold(search.value).split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const { item, text } of items) {
      const match = words.every((w) => text.includes(w));
      item.hidden = !match;
      if (match) shown += 1;
    }
    empty.hidden = shown > 0;
  });
  group.append(head, search, list, empty);
  return { group, buttons: items.map((i) => i.button) };
}

function enhance(select) {
  const d = select.dataset;
  const box = document.createElement('div');
  box.className = 'picker';
  box.setAttribute('data-testid', `picker-${select.name}`);
  const buttons = [];
  const refresh = () => {
    const chosen = new Set([...select.selectedOptions].map((o) => o.value));
    for (const b of buttons) b.setAttribute('aria-pressed', String(chosen.has(b.dataset.value)));
  };
  for (const [kind, title, placeholder] of [
    ['d', d.unitsLabel, d.searchUnits],
    ['u', d.peopleLabel, d.searchPeople],
  ]) {
    const built = buildGroup(select, kind, title, placeholder, d.noMatch, refresh);
    buttons.push(...built.buttons);
    box.append(built.group);
  }
  select.classList.add('picker-native');
  select.addEventListener('change', refresh);
  select.after(box);
  refresh();
}

function enablePhrases(container) {
  const target = document.getElementById(container.dataset.phrasesFor);
  const form = target && target.form;
  if (!form) return;
  const { somebody, related } = container.dataset;
  const fill = (phrase, lead, support) =>
    phrase.replace(/\{lead\}/g, lead).replace(/\{support\}/g, support);
  for (const button of container.querySelectorAll('button[data-phrase]')) {
    button.textContent = fill(button.dataset.phrase, somebody, somebody);
    button.addEventListener('click', () => {
      const lead = chosenNames(form.elements.namedItem('lead')).join(', ') || somebody;
      const support = chosenNames(form.elements.namedItem('support')).join(', ') || related;
      const text = fill(button.dataset.phrase, lead, support);
      const start = target.selectionStart ?? target.value.length;
      const end = target.selectionEnd ?? start;
      const before = target.value.slice(0, start);
      const gap = before && !/\s$/.test(before) ? ' ' : '';
      target.value = before + gap + text + target.value.slice(end);
      const caret = (before + gap + text).length;
      target.focus();
      target.setSelectionRange(caret, caret);
    });
  }
  container.hidden = false;
}

document.querySelectorAll('select[data-picker]').forEach(enhance);
document.querySelectorAll('[data-phrases-for]').forEach(enablePhrases);
const multiHint = document.getElementById('multi-hint');
if (multiHint && document.querySelector('.picker')) multiHint.hidden = true;
