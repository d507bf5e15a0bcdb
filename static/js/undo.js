// The Undo offer after a delete (templates/includes/undo_offer.html): when its window
// closes, the button goes and the note says so, so nobody taps an Undo that can only
// refuse. Without a script the button stays and the server says it is too late.
for (const offer of document.querySelectorAll("[data-undo]")) {
  const seconds = Number(offer.dataset.undoSeconds);
  if (!Number.isFinite(seconds)) continue;
  setTimeout(() => {
    offer.querySelector("[data-undo-form]")?.remove();
    const note = offer.querySelector("[data-undo-note]");
    if (note) note.textContent = "Too late to undo now.";
  }, seconds * 1000);
}
