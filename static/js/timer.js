// Count the seconds since the cramp began. The stop button works without this script:
// the server measures the duration itself.
const elapsed = document.getElementById("elapsed");
if (elapsed) {
  const started = Date.parse(elapsed.dataset.started);
  const pad = (n) => String(n).padStart(2, "0");
  const tick = () => {
    const seconds = Math.max(0, Math.floor((Date.now() - started) / 1000));
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    elapsed.textContent = `${h ? `${h}:` : ""}${pad(m)}:${pad(seconds % 60)}`;
  };
  tick();
  setInterval(tick, 1000);
}
