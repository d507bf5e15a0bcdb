// A new share link (templates/share/list.html): Copy puts it on the clipboard and says
// so; where the clipboard cannot be written, it selects the whole link for the phone's
// own Copy. Share hands it to the phone's share sheet (Web Share), shown only where the
// browser has one. The link is read from the page and kept nowhere else: not in
// storage, not in a request.

const COPIED = "Copied. Paste it into a message or an email to your clinician.";
const SELECTED = "The link is selected: copy it with your phone's or computer's Copy.";

const section = document.querySelector("[data-new-link]");

if (section) {
  const urlText = section.querySelector("[data-link-url]");
  const copyButton = section.querySelector("[data-copy-link]");
  const shareButton = section.querySelector("[data-share-sheet]");
  const status = section.querySelector("[data-copy-status]");
  const url = urlText.textContent.trim();

  const selectLink = () => {
    const range = document.createRange();
    range.selectNodeContents(urlText);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  };

  const say = (text) => {
    // Emptied first, so saying the same thing twice is announced twice.
    status.textContent = "";
    window.requestAnimationFrame(() => {
      status.textContent = text;
    });
  };

  copyButton.addEventListener("click", async () => {
    try {
      if (!navigator.clipboard?.writeText) throw new Error("no clipboard");
      await navigator.clipboard.writeText(url);
      copyButton.textContent = "Copied";
      say(COPIED);
    } catch {
      selectLink();
      say(SELECTED);
    }
  });
  copyButton.hidden = false;

  const shareData = { title: "Muscle cramp report", url };
  const canShare =
    typeof navigator.share === "function" &&
    (typeof navigator.canShare !== "function" || navigator.canShare(shareData));
  if (canShare) {
    shareButton.addEventListener("click", async () => {
      try {
        await navigator.share(shareData);
      } catch (error) {
        // Closing the share sheet is a choice, not a failure.
        if (error?.name !== "AbortError") {
          selectLink();
          say(SELECTED);
        }
      }
    });
    shareButton.hidden = false;
  }
}
