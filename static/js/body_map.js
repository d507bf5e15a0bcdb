// The body map on the episode forms (journal/body_map.py draws it). Each place on it
// sets the "Where" and "Side" boxes beside it, and the map shows what they hold ("Both"
// lights both sides), naming it in words under the map. A tap sets exactly that place,
// so a wrong tap is put right by the next one. Without a script the map is hidden
// (css/no-script.css) and the boxes do the work.

document.querySelectorAll("[data-body-map]").forEach((box) => {
  const form = box.closest("form");
  const region = form && form.querySelector('select[name="body_region"]');
  const side = form && form.querySelector('select[name="side"]');
  if (!region || !side) return;
  const spots = Array.from(box.querySelectorAll(".bm-spot"));
  // The place in words ("Left calf"), from the server's one table of them.
  const words = JSON.parse(document.getElementById("body-map-words").textContent);
  const choice = box.querySelector("[data-body-map-choice]");

  const show = () => {
    choice.textContent = words[`${region.value}-${side.value}`] ?? words["-"];
    spots.forEach((spot) => {
      const middle = spot.dataset.side === "na";
      const pressed =
        spot.dataset.region === region.value &&
        (middle || spot.dataset.side === side.value || side.value === "both");
      spot.setAttribute("aria-pressed", String(pressed));
    });
  };

  const choose = (spot) => {
    const missing = box.querySelector("[data-body-map-missing]");
    if (missing) missing.hidden = true; // the message beside the box stays until Save
    region.value = spot.dataset.region;
    side.value = spot.dataset.side;
    [region, side].forEach((box) => box.dispatchEvent(new Event("change", { bubbles: true })));
    show();
  };

  spots.forEach((spot) => {
    spot.addEventListener("click", () => choose(spot));
    spot.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        choose(spot);
      }
    });
  });
  region.addEventListener("change", show);
  side.addEventListener("change", show);
  show();
});
