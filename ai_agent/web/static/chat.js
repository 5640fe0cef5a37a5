// The chat page: sends messages to POST /chat and shows the Server-Sent Events stream as it comes.
// Plain browser JavaScript, no build step and no library. The wire format is described in
// ai_agent/web/sse.py; the thread and confirmation protocol (thread_id, confirm) in the README.
"use strict";

const THREAD_KEY = "ticket-assistant.thread_id";
// Frames end with a blank line; SSE allows \n, \r\n or \r as line ends.
const FRAME_END = /\r\n\r\n|\n\n|\r\r/;

const form = document.getElementById("chat-form");
const input = document.getElementById("message");
const sendButton = document.getElementById("send");
const conversation = document.getElementById("conversation");
const agentStatus = document.getElementById("agent-status");
const ticketApiStatus = document.getElementById("ticket-api-status");
const modelStatus = document.getElementById("model-status");

// --- the thread: kept for the browser tab, so a reload continues the same conversation ---------

function threadId() {
  return sessionStorage.getItem(THREAD_KEY);
}

function keepThread(id) {
  if (id) sessionStorage.setItem(THREAD_KEY, id);
}

document.getElementById("new-thread").addEventListener("click", () => {
  sessionStorage.removeItem(THREAD_KEY);
  conversation.replaceChildren();
  input.focus();
});

// --- service state from GET /health ------------------------------------------------------------

function showBanner(element, text, kind) {
  element.textContent = text;
  element.className = kind === "warn" ? "banner warn" : "banner";
  element.hidden = !text;
}

const AGENT_DOWN = "The assistant service cannot be reached. Check that it is running, then try again.";

async function checkHealth() {
  let health;
  try {
    const response = await fetch("/health", { cache: "no-store" });
    health = await response.json();
  } catch (error) {
    showBanner(agentStatus, AGENT_DOWN);
    return;
  }
  showBanner(agentStatus, "");
  showBanner(ticketApiStatus, health.ticket_api === "ok" ? ""
    : "The ticket system is unreachable: the assistant cannot read or change tickets until it is back.", "warn");
  const model = health.model || {};
  modelStatus.hidden = false;
  modelStatus.textContent = model.language_model === false
    ? "No language model is configured: a rule-based offline assistant answers, and it understands only fixed phrasings (send \"help\" to see them)."
    : `Model: ${model.provider || "unknown"} ${model.router_model || ""}`.trim();
}

// --- one turn of the conversation on the page --------------------------------------------------

class Turn {
  constructor(question) {
    this.element = document.createElement("li");
    this.element.className = "turn";
    // streaming -> done | failed: lets styles (and tests) tell a finished answer from one coming in.
    this.element.dataset.state = "streaming";
    if (question) {
      const asked = document.createElement("p");
      asked.className = "question";
      asked.textContent = question;
      this.element.append(asked);
    }
    this.tools = document.createElement("ul");
    this.tools.className = "tools";
    this.tools.setAttribute("aria-label", "Ticket activity");
    this.answer = document.createElement("p");
    this.answer.className = "answer";
    this.element.append(this.tools, this.answer);
    conversation.append(this.element);
    this.pendingTools = [];
  }

  addText(delta) {
    // textContent, never innerHTML: ticket text (which anyone can write) is shown, not run.
    this.answer.append(document.createTextNode(delta));
    this.element.scrollIntoView({ block: "end" });
  }

  toolStarted(name, args) {
    const line = document.createElement("li");
    line.textContent = `${name} ${describeArgs(args)}…`;
    line.dataset.tool = name;
    this.tools.append(line);
    this.pendingTools.push(line);
  }

  toolEnded(name, ok) {
    const index = this.pendingTools.findIndex((line) => line.dataset.tool === name);
    const line = index >= 0 ? this.pendingTools.splice(index, 1)[0] : this.tools.appendChild(document.createElement("li"));
    line.textContent = line.textContent.replace(/…$/, "") + (ok ? ": done" : ": failed");
    if (!ok) line.classList.add("failed");
  }

  finish() {
    this.element.dataset.state = "done";
  }

  fail(text) {
    this.element.dataset.state = "failed";
    const problem = document.createElement("p");
    problem.className = "answer error";
    problem.setAttribute("role", "alert");
    problem.textContent = text;
    this.element.append(problem);
  }

  askConfirmation(data) {
    const box = document.createElement("div");
    box.className = "confirm";
    const prompt = document.createElement("p");
    prompt.textContent = data.prompt || `Confirm ${data.action} of ticket ${data.ticket_id}?`;
    const yes = document.createElement("button");
    yes.type = "button";
    yes.className = "danger";
    yes.textContent = "Confirm";
    const no = document.createElement("button");
    no.type = "button";
    no.className = "secondary";
    no.textContent = "Cancel";
    const answer = async (choice) => {
      yes.disabled = no.disabled = true;
      box.dataset.answered = choice;
      const done = await send({ thread_id: data.thread_id || threadId(), confirm: choice },
        choice === "yes" ? "Confirmed" : "Cancelled");
      if (!done) { // the answer did not get through (agent down): the question still waits
        yes.disabled = no.disabled = false;
        delete box.dataset.answered;
      }
    };
    yes.addEventListener("click", () => answer("yes"));
    no.addEventListener("click", () => answer("no"));
    box.append(prompt, yes, no);
    this.element.append(box);
    yes.focus();
  }
}

function describeArgs(args) {
  const parts = Object.entries(args || {}).map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
  const text = parts.join(", ");
  return text.length > 120 ? `(${text.slice(0, 117)}...)` : parts.length ? `(${text})` : "";
}

// --- reading the stream ------------------------------------------------------------------------

function parseFrame(raw) {
  const frame = { event: "message", data: [] };
  for (const line of raw.split(/\r\n|\r|\n/)) {
    if (!line || line.startsWith(":")) continue; // blank or a keep-alive comment
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") frame.event = value;
    else if (field === "data") frame.data.push(value);
  }
  return frame.data.length ? { event: frame.event, data: JSON.parse(frame.data.join("\n")) } : null;
}

// Yields each frame of a fetch() response body as soon as its last byte has arrived.
async function* frames(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    pending += value;
    const parts = pending.split(FRAME_END);
    pending = parts.pop();
    for (const raw of parts) {
      const frame = parseFrame(raw);
      if (frame) yield frame;
    }
  }
}

async function errorText(response) {
  try {
    const body = await response.json();
    if (typeof body.detail === "string") return body.detail;
  } catch (ignored) { /* not JSON: fall through */ }
  return `The assistant answered ${response.status}.`;
}

// --- sending -----------------------------------------------------------------------------------

let busy = false;

function setBusy(value) {
  busy = value;
  sendButton.disabled = value;
  input.setAttribute("aria-busy", String(value));
}

// Sends one turn and shows its stream; true when the answer came complete (an end frame).
async function send(body, shownQuestion) {
  if (busy) return false;
  setBusy(true);
  const turn = new Turn(shownQuestion);
  let finished = false; // an end or error frame arrived: the answer is complete
  try {
    const response = await fetch("/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      const detail = await errorText(response);
      finished = true;
      if (response.status === 409 && body.message) {
        // The thread still waits for an earlier confirmation (e.g. asked before a page reload).
        turn.fail("This conversation is still waiting for your answer to an earlier question; answer it, then send your message again.");
        const asked = /waiting for an answer to '(.*)':/.exec(detail);
        turn.askConfirmation({ thread_id: body.thread_id, prompt: asked ? asked[1] : detail });
      } else {
        turn.fail(detail);
      }
      return false;
    }
    for await (const frame of frames(response)) {
      const data = frame.data;
      if (frame.event === "token") turn.addText(data.delta);
      else if (frame.event === "tool") turn.toolStarted(data.name, data.args);
      else if (frame.event === "tool_result") turn.toolEnded(data.name, data.ok);
      else if (frame.event === "confirm") { keepThread(data.thread_id); turn.askConfirmation(data); }
      else if (frame.event === "end") { keepThread(data.thread_id); turn.finish(); finished = true; }
      else if (frame.event === "error") { keepThread(data.thread_id); turn.fail(data.message); finished = true; }
    }
    if (!finished) turn.fail("The answer was cut off: the connection to the assistant closed early.");
    return turn.element.dataset.state === "done";
  } catch (error) {
    // fetch() and the body reader throw a TypeError when the connection fails: the agent is down.
    if (!finished) turn.fail(error instanceof TypeError ? AGENT_DOWN : `Could not read the answer: ${error.message}`);
    return false;
  } finally {
    setBusy(false);
    checkHealth();
    if (!conversation.querySelector(".confirm:not([data-answered])")) input.focus();
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const message = input.value.trim();
  if (!message || busy) return;
  // A thread waiting for a confirmation takes no new message (the agent answers 409): the
  // question must be answered first, so say so where the person is typing.
  const waiting = conversation.querySelector(".confirm:not([data-answered])");
  if (waiting) {
    input.setCustomValidity("Answer the question above first: Confirm or Cancel.");
    input.reportValidity();
    return;
  }
  input.value = "";
  const body = { message };
  if (threadId()) body.thread_id = threadId();
  send(body, message);
});

input.addEventListener("input", () => input.setCustomValidity(""));

// Enter sends; Shift+Enter (or an input method composing text) inserts a new line.
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    form.requestSubmit();
  }
});

checkHealth();
input.focus();
