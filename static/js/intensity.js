// Show the number beside each intensity slider; the form works without this script.
document.querySelectorAll('input[type="range"][name="intensity"]').forEach((slider) => {
  const output = document.createElement("output");
  output.className = "intensity-value ms-2";
  output.setAttribute("for", slider.id);
  const label = document.querySelector(`label[for="${slider.id}"]`);
  const show = () => {
    output.textContent = `${slider.value}/${slider.max}`;
    slider.setAttribute("aria-valuetext", `${slider.value} out of ${slider.max}`);
  };
  (label || slider).after(output);
  slider.addEventListener("input", show);
  show();
});
