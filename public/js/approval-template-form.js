// The approval template form, step by step (progressive enhancement; without it every step and
// every field shows, and the form works the same).
// - A step shows the fields its type uses: a person, a role (and its unit), or a group with its
//   rule; an unused step shows only its title and type.
// - The steps in use show, and one empty step after them; choosing its type brings the next one.
//   "Thêm bước" shows one more empty step. A step or field with an error always shows.
const steps = [...document.querySelectorAll('[data-template-step]')];
const addButton = document.querySelector('[data-add-step]');

const typeOf = (step) => step.querySelector('select[name$="_type"]')?.value ?? '';
const hasError = (element) => element.querySelector('.field-error') !== null;

function showFields(step) {
  const type = typeOf(step);
  for (const field of step.querySelectorAll('[data-show]')) {
    const wanted = field.dataset.show.split(' ');
    const used = type !== '' && (wanted.includes('used') || wanted.includes(type));
    field.hidden = !used && !hasError(field);
  }
}

// Every step up to the last one in use (or with an error), and one empty step after it; a step
// once shown stays shown.
function showSteps() {
  let last = -1;
  steps.forEach((step, i) => {
    if (typeOf(step) || hasError(step)) last = i;
  });
  steps.forEach((step, i) => {
    if (i <= last + 1) step.hidden = false;
  });
  if (addButton) addButton.hidden = steps.every((step) => !step.hidden);
}

if (steps.length) {
  for (const step of steps) {
    step.hidden = true;
    showFields(step);
    step.querySelector('select[name$="_type"]')?.addEventListener('change', () => {
      showFields(step);
      showSteps();
    });
  }
  showSteps();
  addButton?.addEventListener('click', () => {
    const next = steps.find((step) => step.hidden);
    if (next) {
      next.hidden = false;
      next.querySelector('input, select')?.focus();
    }
    addButton.hidden = steps.every((step) => !step.hidden);
  });
}
