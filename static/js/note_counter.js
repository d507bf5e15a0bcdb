// What is left of a note's limit, as the person types (journal.fields.NoteField gives
// the limit as data-note-limit). Over it, the counter says by how much and the text
// stays as typed: the server refuses it beside the field, and nothing is ever cut.
// The visible count changes with every key; screen readers hear it only when it
// crosses a step (STEPS characters left, over the limit, back under), not at each key.
const STEPS = [100, 500];
const format = new Intl.NumberFormat();

// Characters as the server counts them: code points, each line break one.
const length = (text) => [...text].length;

document.querySelectorAll("textarea[data-note-limit]").forEach((box) => {
  const limit = Number(box.dataset.noteLimit);
  if (!Number.isFinite(limit) || limit <= 0) return;
  const counter = document.createElement("div");
  counter.className = "form-text note-counter";
  counter.id = `${box.id}_counter`;
  const spoken = document.createElement("div");
  spoken.className = "visually-hidden";
  spoken.setAttribute("aria-live", "polite");
  box.setAttribute(
    "aria-describedby",
    [box.getAttribute("aria-describedby"), counter.id].filter(Boolean).join(" "),
  );
  box.after(counter, spoken);

  let lastStep; // undefined until the first count, which is shown, not spoken
  const show = () => {
    const left = limit - length(box.value);
    const over = left < 0;
    counter.textContent = over
      ? `${format.format(-left)} characters over the ${format.format(limit)} limit: shorten the note to save it.`
      : `${format.format(left)} of ${format.format(limit)} characters left.`;
    counter.classList.toggle("text-danger", over);
    const step = over ? "over" : (STEPS.find((s) => left <= s) ?? null);
    if (step !== lastStep && lastStep !== undefined) {
      spoken.textContent = step === null ? "" : counter.textContent;
    }
    lastStep = step;
  };
  box.addEventListener("input", show);
  show();
});
