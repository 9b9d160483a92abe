// The story's "Embed & download" controls: absolute addresses in the embed code (when
// site.toml has no base_url), a copy button, and Escape to close.

for (const control of document.querySelectorAll(".embed-control")) {
  const code = control.querySelector(".embed-code");
  const button = control.querySelector(".embed-copy");
  const status = control.querySelector(".embed-status");
  code.value = code.value.replace(/\bsrc="([^"]*)"/g, (_, url) => `src="${new URL(url, document.baseURI).href}"`);

  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(code.value);
      status.textContent = "Copied.";
    } catch {
      code.focus();
      code.select();
      status.textContent = "Selected: press Ctrl+C (⌘C on a Mac) to copy.";
    }
  });
  control.addEventListener("toggle", () => (status.textContent = ""));
  control.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !control.open) return;
    control.open = false;
    control.querySelector("summary").focus();
  });
  control.classList.add("has-copy");
}
