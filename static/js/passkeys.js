// Passkeys (WebAuthn) for the forms marked data-passkey: "register" (Profile →
// Passkeys), "sign in" (the sign-in page) and "confirm" (Confirm it's you). Each form
// holds a hidden "credential" field: this script asks the server for the ceremony's
// options (POST, CSRF token from the form), lets the browser run it, writes the
// browser's answer into that field as JSON and sends the form. The server checks it
// and answers with a page; nothing is kept in the browser. The forms stay hidden where
// the browser has no WebAuthn. On the sign-in page the username box also offers the
// browser's passkeys itself (conditional mediation) where the browser can.

const toBytes = (base64url) => {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
};

const toBase64url = (buffer) => {
  const bytes = new Uint8Array(buffer);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};

const descriptors = (list) => (list || []).map((c) => ({ ...c, id: toBytes(c.id) }));

// The server's JSON (py_webauthn's options_to_json) into what navigator.credentials takes.
const creationOptions = (json) => ({
  ...json,
  challenge: toBytes(json.challenge),
  user: { ...json.user, id: toBytes(json.user.id) },
  excludeCredentials: descriptors(json.excludeCredentials),
});

const requestOptions = (json) => ({
  ...json,
  challenge: toBytes(json.challenge),
  allowCredentials: descriptors(json.allowCredentials),
});

// The browser's answer as the JSON py_webauthn reads (WebAuthn Level 3's toJSON form).
const answer = (credential) => {
  const r = credential.response;
  const response = { clientDataJSON: toBase64url(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = toBase64url(r.attestationObject);
    response.transports = typeof r.getTransports === "function" ? r.getTransports() : [];
  } else {
    response.authenticatorData = toBase64url(r.authenticatorData);
    response.signature = toBase64url(r.signature);
    if (r.userHandle) response.userHandle = toBase64url(r.userHandle);
  }
  return JSON.stringify({
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    response,
    clientExtensionResults: credential.getClientExtensionResults(),
    authenticatorAttachment: credential.authenticatorAttachment || undefined,
  });
};

const options = async (form) => {
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const reply = await fetch(form.dataset.options, {
    method: "POST",
    headers: { "X-CSRFToken": token },
    credentials: "same-origin",
  });
  const body = await reply.json();
  if (!reply.ok) throw new Error(body.error || "The server did not answer. Try again.");
  return body;
};

// Send the form with the browser's answer; on the sign-in page with the box's choice too.
const send = (form, credential) => {
  form.querySelector("input[name=credential]").value = answer(credential);
  const keep = form.querySelector("[data-passkey-keep]");
  const box = document.querySelector("input[name=keep][type=checkbox]");
  if (keep) keep.value = box && box.checked ? "on" : "";
  form.submit();
};

const say = (form, message) => {
  const place = form.querySelector("[data-passkey-error]");
  if (place) place.textContent = message;
};

// What the person sees when the browser's own dialog ends without a passkey.
const explain = (error) =>
  error.name === "NotAllowedError" || error.name === "AbortError"
    ? "No passkey was used. Try again, or use your password."
    : error.name === "InvalidStateError"
      ? "This device already has a passkey for your account."
      : error.message || "The passkey did not work. Try again.";

// The sign-in page's quiet offer in the username box: its options are asked for first,
// and a click on the button waits for them, so the challenge the server keeps is the
// button's own.
let waiting = null;
let offered = Promise.resolve();

const run = async (form) => {
  say(form, "");
  await offered;
  if (waiting) waiting.abort();
  try {
    const json = await options(form);
    const credential =
      form.dataset.passkey === "register"
        ? await navigator.credentials.create({ publicKey: creationOptions(json) })
        : await navigator.credentials.get({ publicKey: requestOptions(json) });
    if (credential) send(form, credential);
  } catch (error) {
    say(form, explain(error));
  }
};

// Resolves once the offer is made (not when it is taken).
const offerInUsernameBox = async (form) => {
  const can = PublicKeyCredential.isConditionalMediationAvailable;
  if (typeof can !== "function" || !(await can.call(PublicKeyCredential))) return;
  let json;
  try {
    json = await options(form);
  } catch (error) {
    return; // the button and the password remain
  }
  waiting = new AbortController();
  navigator.credentials
    .get({ publicKey: requestOptions(json), mediation: "conditional", signal: waiting.signal })
    .then((credential) => credential && send(form, credential))
    .catch(() => {}); // aborted for the button, or nothing chosen
};

if (window.PublicKeyCredential && navigator.credentials) {
  document.querySelectorAll("form[data-passkey]").forEach((form) => {
    form.hidden = false;
    document.querySelectorAll("[data-passkey-unsupported]").forEach((note) => {
      note.hidden = true;
    });
    form.querySelector("[data-passkey-start]").addEventListener("click", () => run(form));
    if (form.dataset.passkey === "sign in") offered = offerInUsernameBox(form);
  });
}
