// After "Confirm it's you" (templates/includes/pending_download.html): start the
// download the person asked for before the question, by sending its form once as the
// page opens, and say it is on its way. The server answers with the file, so the page
// stays where it is. The marker that put the form here is already gone from the
// session: a reload shows no form and downloads nothing.

const form = document.querySelector("form[data-pending-download]");
if (form) {
  form.querySelector("[data-before-sending]").hidden = true;
  form.querySelector("[data-when-sent]").hidden = false;
  form.requestSubmit();
}
