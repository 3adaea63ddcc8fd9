// <rag-territoires-chat>: the mind-map notes' assistant, for any intranet page.
//
//   <script type="module" src="https://api.example/widget/v1/rag-territoires.js"></script>
//   <rag-territoires-chat api="https://api.example" lang="fr"></rag-territoires-chat>
//
// Attributes: api (the API's base URL), lang (fr | en), token (a widget token from
// POST /v1/widget-tokens, when the API has keys), document (reserved for corpora of
// several documents; ignored while there is one).
//
// Tokens live minutes. Before one expires (and when the API refuses one), the element asks
// the host page for a new one: its `tokenProvider` property, a function returning a token
// (or a promise of one), else a `rag-token-needed` event (bubbling, composed) whose
// listener calls `event.detail.respondWith(tokenOrPromise)`. The conversation is kept.
//
// Plain JavaScript, no dependency, no build step. Everything lives in a shadow root, so
// the page's stylesheets do not restyle it by accident (it is no wall against the page's
// own scripts: see SECURITY.md); every text from the notes or the user is set with
// textContent, never parsed as HTML; no inline script, no eval: it runs under a strict
// Content-Security-Policy (styles are constructed, not inline).

const MAX_CHARS = 2000;
const CONTEXT_MESSAGES = 20;
const ANSWER_CONTEXT_CHARS = 1000;
const MARGIN = 3; // export lines shown around a citation
const REFRESH_BEFORE_S = 60; // a token this close to its expiry is renewed before use

const TEXTS = {
  fr: {
    title: "Notes des cartes mentales",
    label: "Votre question sur les notes",
    placeholder: "Ex. : Comment renforcer l'ingénierie territoriale ?",
    send: "Envoyer",
    new: "Nouvelle conversation",
    you: "Vous",
    assistant: "Assistant",
    thinking: "Recherche dans les notes…",
    citations: "Citations",
    sources: (n, b) => `Sources : ${n} citation${n > 1 ? "s" : ""}, ${b} branche${b > 1 ? "s" : ""}`,
    seeAlso: "Voir aussi :",
    lines: "lignes",
    where: (map, a, b) => `${map} · lignes ${a}–${b}`,
    show: "Voir les lignes de l'export",
    notCovered: "Les notes ne traitent pas de cette question.",
    nearest: "Branches les plus proches :",
    announced: "Réponse reçue : ",
    counter: (n) => `${n} / ${MAX_CHARS}`,
    errors: {
      down: "L'assistant ne répond pas : vérifiez votre connexion ou réessayez plus tard.",
      origin: "Cette page n'est pas autorisée à utiliser l'assistant.",
      token: "L'accès à l'assistant n'est plus valable : rechargez la page.",
      no_token:
        "Cette page ne donne pas d'accès à l'assistant (aucun jeton) : " +
        "signalez-le à l'équipe qui gère le site.",
      limited: (s) => `Trop de questions d'affilée : réessayez dans ${s} s.`,
      too_long: `La question est trop longue (${MAX_CHARS} caractères au plus).`,
      empty: "La question est vide.",
      refused: "Cette question n'a pas pu être traitée : reformulez-la.",
      too_large: "La conversation est trop longue : commencez-en une nouvelle.",
      not_ready: "Les notes ne sont pas encore prêtes : réessayez dans un instant.",
      server: "L'assistant a rencontré une erreur : réessayez.",
      lines: "Les lignes de l'export n'ont pas pu être affichées.",
    },
  },
  en: {
    title: "Mind-map notes",
    label: "Your question about the notes",
    placeholder: "E.g. How can territorial engineering be strengthened?",
    send: "Send",
    new: "New conversation",
    you: "You",
    assistant: "Assistant",
    thinking: "Searching the notes…",
    citations: "Citations",
    sources: (n, b) => `Sources: ${n} citation${n > 1 ? "s" : ""}, ${b} branch${b > 1 ? "es" : ""}`,
    seeAlso: "See also:",
    lines: "lines",
    where: (map, a, b) => `${map} · lines ${a}–${b}`,
    show: "Show the export's lines",
    notCovered: "The notes do not cover this question.",
    nearest: "Nearest branches:",
    announced: "Answer received: ",
    counter: (n) => `${n} / ${MAX_CHARS}`,
    errors: {
      down: "The assistant does not answer: check your connection or try again later.",
      origin: "This page is not allowed to use the assistant.",
      token: "Access to the assistant is no longer valid: reload the page.",
      no_token: "This page gives no access to the assistant (no token): tell the site's team.",
      limited: (s) => `Too many questions in a row: try again in ${s} s.`,
      too_long: `The question is too long (at most ${MAX_CHARS} characters).`,
      empty: "The question is empty.",
      refused: "This question could not be handled: rephrase it.",
      too_large: "The conversation is too long: start a new one.",
      not_ready: "The notes are not ready yet: try again in a moment.",
      server: "The assistant met an error: try again.",
      lines: "The export's lines could not be shown.",
    },
  },
};

// Sized in px, not rem: rem follows the host page's root font size (a page with
// `html { font-size: 62.5% }` shrank the widget). Only form controls inherit the font: a
// blanket `font: inherit` on every element dropped the weight of headings and labels.
const STYLE = `
:host { display: block; contain: content; }
.box { all: initial; display: flex; flex-direction: column; gap: 10px; box-sizing: border-box;
  width: 100%; max-width: 736px; min-width: 0; padding: 13px; border: 1px solid #d0d7de;
  border-radius: 10px; background: #fff; color: #1f2328; letter-spacing: normal;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; text-align: left; }
.box * { box-sizing: border-box; color: inherit; letter-spacing: inherit; text-transform: none; }
button, textarea { font: inherit; }
header { display: flex; flex-wrap: wrap; gap: 8px; align-items: center;
  justify-content: space-between; }
h2 { margin: 0; font-weight: 600; font-size: 1.05em; }
button { cursor: pointer; border: 1px solid #8c959f; border-radius: 6px; background: #f6f8fa;
  padding: 5px 10px; text-align: left; }
button:hover { background: #eaeef2; }
:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
.log { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column;
  gap: 10px; max-height: 512px; overflow-y: auto; }
.turn { display: block; padding: 8px 10px; border-radius: 8px; overflow-wrap: anywhere; }
.user { background: #ddf4ff; align-self: flex-end; max-width: 90%; white-space: pre-wrap; }
.bot { background: #f6f8fa; }
.who { display: block; font-size: .8em; color: #57606a; margin-bottom: 3px; }
.answer p { margin: 2px 0; }
.answer strong { font-weight: 600; }
.answer .item { padding-left: calc(16px + var(--depth, 0) * 16px); position: relative; }
.answer .item::before { content: "•"; position: absolute; left: calc(var(--depth, 0) * 16px); }
.ref { margin: 0 1px; padding: 0 2px; border: 0; border-radius: 3px; background: none;
  color: #0969da; text-decoration: underline; font-size: .85em; }
.ref:hover { background: #ddf4ff; }
.sources { margin-top: 8px; }
summary { cursor: pointer; color: #57606a; font-size: .9em; }
.group h3 { margin: 8px 0 4px; font-size: .9em; font-weight: 600; }
.cites { margin: 0; padding: 0; list-style: none; display: flex; flex-direction: column;
  gap: 4px; }
.cite-item { padding-left: calc(var(--depth, 0) * 16px); }
.cite { width: 100%; }
.target .cite { border-color: #bf8700; background: #fff8c5; }
.where { display: block; font-size: .85em; color: #57606a; }
.lines { margin: 5px 0 0; padding: 5px; border: 1px solid #d0d7de; border-radius: 6px;
  background: #fff; font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
  font-size: .85em; white-space: pre-wrap; }
.line { display: flex; gap: 10px; }
.num { color: #57606a; min-width: 3.5ch; text-align: right; user-select: none; }
.hit { background: #fff8c5; font-weight: 600; }
.notice { margin: 0 0 5px; font-weight: 600; }
.nearest { display: flex; flex-direction: column; gap: 5px; margin: 5px 0 0; padding: 0;
  list-style: none; }
.error { margin: 0; padding: 8px 10px; border-radius: 8px; background: #ffebe9;
  color: #82071e; }
/* the question box sticks to the bottom of the screen while the widget is on it: Send
   stays in view however long the conversation above */
form { display: flex; flex-direction: column; gap: 5px; position: sticky; bottom: 0;
  padding-top: 4px; background: #fff; }
label { font-weight: 600; }
textarea { width: 100%; min-height: 51px; resize: vertical; padding: 6px; border: 1px solid
  #8c959f; border-radius: 6px; background: #fff; }
.row { display: flex; justify-content: space-between; align-items: center; gap: 8px; }
.count { font-size: .8em; color: #57606a; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }
`;

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

class RagTerritoiresChat extends HTMLElement {
  constructor() {
    super();
    this.root = this.attachShadow({ mode: "open" });
    this.turns = []; // answered turns only: a failed one never becomes context
    this.busy = false;
  }

  get t() {
    return TEXTS[this.getAttribute("lang") === "en" ? "en" : "fr"];
  }

  static get observedAttributes() {
    return ["lang", "token"];
  }

  attributeChangedCallback(name) {
    // a token the host sets wins over one an earlier refresh handed over
    if (name === "token") this.handedToken = "";
    if (name === "lang" && this.box) this.relabel();
  }

  // The props of a node whose text is the widget's own (not the notes', not the user's):
  // the key is kept so that a change of `lang` can say it again.
  say(key, ...args) {
    const props = { text: phrase(this.t, key, args), "data-text": key };
    if (args.length) props["data-args"] = JSON.stringify(args);
    return props;
  }

  relabel() {
    const t = this.t;
    for (const node of this.root.querySelectorAll("[data-text]")) {
      const args = JSON.parse(node.dataset.args || "[]");
      node.textContent = phrase(t, node.dataset.text, args);
    }
    for (const node of this.root.querySelectorAll("[data-label]")) {
      node.setAttribute("aria-label", phrase(t, node.dataset.label, []));
    }
    for (const node of this.root.querySelectorAll(".cite")) node.title = t.show;
    this.input.placeholder = t.placeholder;
  }

  // (no `tokenProvider` class field: a host may set the property before this script runs,
  // and a field would overwrite it when the element upgrades)
  get token() {
    return this.handedToken || this.getAttribute("token") || "";
  }

  get api() {
    return (this.getAttribute("api") || "").replace(/\/+$/, "");
  }

  connectedCallback() {
    if (this.box) return;
    if ("adoptedStyleSheets" in this.root) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLE);
      this.root.adoptedStyleSheets = [sheet];
    }
    const t = this.t;
    this.log = el("ol", { class: "log" });
    this.live = el("p", { class: "sr", "aria-live": "polite" });
    this.input = el("textarea", {
      id: "q",
      maxlength: String(MAX_CHARS),
      rows: "2",
      placeholder: t.placeholder,
      "aria-describedby": "count",
    });
    this.count = el("span", { class: "count", id: "count", ...this.say("counter", 0) });
    this.input.addEventListener("input", () => this.counted());
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.form.requestSubmit();
      }
    });
    this.sendButton = el("button", { type: "submit", ...this.say("send") });
    this.form = el(
      "form",
      { onsubmit: (event) => this.onSubmit(event) },
      el("label", { for: "q", ...this.say("label") }),
      this.input,
      el("div", { class: "row" }, this.count, this.sendButton),
    );
    this.box = el(
      "section",
      { class: "box", "aria-label": t.title, "data-label": "title" },
      el(
        "header",
        {},
        el("h2", this.say("title")),
        el("button", { type: "button", ...this.say("new"), onclick: () => this.reset() }),
      ),
      this.log,
      this.form,
      this.live,
    );
    // Escape, in the conversation, closes the citation holding the focus or else the one
    // opened last (in the question box it leaves the focus where the visitor types)
    this.box.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || !this.log.contains(event.target)) return;
      if (this.closeCitation()) event.preventDefault();
    });
    this.root.append(this.box);
  }

  showError(sentence) {
    this.clearError();
    this.error = el("p", { class: "error", id: "error", role: "alert", text: sentence });
    this.input.before(this.error);
    this.input.setAttribute("aria-describedby", "count error");
  }

  clearError() {
    if (!this.error) return;
    this.error.remove();
    this.error = null;
    this.input.setAttribute("aria-describedby", "count");
  }

  counted() {
    const length = this.input.value.length;
    this.count.textContent = this.t.counter(length);
    this.count.dataset.args = JSON.stringify([length]);
  }

  reset() {
    this.turns = [];
    this.log.replaceChildren();
    this.live.textContent = "";
    this.input.focus();
  }

  onSubmit(event) {
    event.preventDefault();
    const question = this.input.value.trim();
    if (!question || this.busy) return;
    this.input.value = "";
    this.counted();
    this.ask(question);
  }

  async headers() {
    const left = secondsLeft(this.token);
    if (left !== null && left < REFRESH_BEFORE_S) await this.renewToken();
    const headers = { "Content-Type": "application/json", Accept: "text/event-stream" };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    return headers;
  }

  // A call to the API with the token; when the API refuses the token (it expired while
  // the visitor read, or the host's secret rotated), once more with a new one.
  async call(url, init = {}) {
    const send = async () =>
      fetch(url, { ...init, headers: await this.headers(), credentials: "omit" });
    const response = await send();
    if (response.status === 401 && (await this.renewToken())) return send();
    return response;
  }

  // Asks the host page for a new token; true when it handed one. One request at a time:
  // the chat and a citation's lines may need one together.
  renewToken() {
    if (!this.renewing) {
      this.renewing = this.askHost().finally(() => {
        this.renewing = null;
      });
    }
    return this.renewing;
  }

  async askHost() {
    let handed;
    if (typeof this.tokenProvider === "function") {
      handed = this.tokenProvider();
    } else {
      const detail = { respondWith: (value) => (handed = value) };
      this.dispatchEvent(
        new CustomEvent("rag-token-needed", { bubbles: true, composed: true, detail }),
      );
    }
    try {
      const value = await handed;
      const token = typeof value === "string" ? value : (value && value.token) || "";
      if (token) this.handedToken = token;
      return Boolean(token);
    } catch {
      return false; // the host could not get one: the API's refusal is what the user sees
    }
  }

  async ask(question) {
    const t = this.t;
    this.busy = true;
    this.clearError();
    const asked = el(
      "li",
      { class: "turn user" },
      el("span", { class: "who", ...this.say("you") }),
      question,
    );
    this.log.append(asked);
    const answer = el("div", { class: "answer" });
    const turn = el(
      "li",
      { class: "turn bot", "aria-busy": "true" },
      el("span", { class: "who", ...this.say("assistant") }),
      answer,
    );
    const waiting = el("p", { text: t.thinking });
    answer.append(waiting);
    this.log.append(turn);
    turn.scrollIntoView({ block: "nearest" });
    const messages = [...this.turns.slice(-CONTEXT_MESSAGES), { role: "user", content: question }];
    try {
      const done = await this.stream(messages, answer, waiting);
      this.turns.push(
        { role: "user", content: question },
        { role: "assistant", content: done.answer.slice(0, ANSWER_CONTEXT_CHARS) },
      );
      this.finish(turn, answer, done);
    } catch (error) {
      // The half-asked turn leaves the conversation (it never becomes context either) and
      // the question goes back to the box, the error beside it: once the cause is gone,
      // Enter sends it again. (A question typed meanwhile is not overwritten.)
      asked.remove();
      turn.remove();
      if (!this.input.value.trim()) {
        this.input.value = question;
        this.counted();
      }
      this.showError(this.sentence(error));
      this.live.textContent = "";
    } finally {
      turn.removeAttribute("aria-busy");
      this.busy = false;
    }
  }

  async stream(messages, answer, waiting) {
    let response;
    try {
      response = await this.call(`${this.api}/widget/v1/chat`, {
        method: "POST",
        body: JSON.stringify({ messages, stream: true }),
      });
    } catch {
      throw { kind: "down" };
    }
    if (!response.ok) throw await this.failure(response);
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    let done = null;
    let drafting = true;
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const event = parseEvent(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (!event) continue;
        if (event.name === "answer") {
          waiting.remove();
          // only the first paragraph, the direct answer, is drawn as it streams: the
          // quotes that follow are drawn folded, from the final event
          if (!event.data.delta.trim()) drafting = false;
          else if (drafting) renderLine(answer, event.data.delta);
        } else if (event.name === "done") {
          done = event.data;
        }
      }
    }
    if (!done) throw { kind: "server" };
    return done;
  }

  async failure(response) {
    const retry = response.headers.get("Retry-After") || "?";
    let reason = "";
    try {
      const body = await response.json();
      reason = body.error.reason || (body.error.fields || [{}])[0].reason || "";
    } catch {
      // not the API's JSON (a proxy's page): the status says enough
    }
    const token = this.token ? "token" : "no_token"; // none at all: not an expiry
    const byStatus = { 401: token, 403: "origin", 413: "too_large", 429: "limited" };
    byStatus[503] = "not_ready";
    if (response.status === 422) {
      return { kind: reason === "too_long" || reason === "empty" ? reason : "refused" };
    }
    return { kind: byStatus[response.status] || "server", retry };
  }

  sentence(error) {
    const errors = this.t.errors;
    const kind = error && error.kind in errors ? error.kind : "server";
    return kind === "limited" ? errors.limited(error.retry) : errors[kind];
  }

  finish(turn, answer, data) {
    const t = this.t;
    if (data.abstained) {
      // said once: a notice, then the nearest branches to ask about
      answer.replaceChildren(
        el("p", { class: "notice", ...this.say("notCovered") }),
        el("p", this.say("nearest")),
        this.askButtons(data.passages.slice(0, 3).map((p) => p.branch), "nearest"),
      );
      this.live.textContent = t.announced + t.notCovered;
      return;
    }
    // the direct answer first (an API without `lead`: its whole answer); its [n] open
    // the citation they mark
    const lead = data.lead || data.answer;
    const leadBox = el("div", { class: "lead" });
    for (const line of lead.split("\n")) renderLine(leadBox, line, (n) => this.reveal(turn, n));
    answer.replaceChildren(leadBox);
    if (data.citations.length) answer.append(this.sources(data.citations));
    if (data.see_also && data.see_also.length) {
      answer.append(
        el("p", { class: "who", ...this.say("seeAlso") }),
        this.askButtons(data.see_also, "seeAlso"),
      );
    }
    // a screen reader hears the direct answer, not the sentence that frames the quotes
    this.live.textContent = t.announced + plain(lead);
  }

  askButtons(branches, label) {
    const named = { "aria-label": this.t[label], "data-label": label };
    const list = el("ul", { class: "nearest", ...named });
    for (const branch of branches) {
      const ask = () => this.busy || this.ask(branch[branch.length - 1]);
      list.append(
        el("li", {}, el("button", { type: "button", onclick: ask }, `› ${branch.join(" › ")}`)),
      );
    }
    return list;
  }

  // The quotes grouped by branch as the API's answer lays them out (each under its
  // nearest quoted ancestor, else under its parent branch), folded: the direct answer
  // above is what most readers need. Each quote shows once, naming its map.
  sources(citations) {
    const groups = new Map(); // map and heading -> the group's list
    const placed = new Map(); // a quoted node (map and branch) -> its group and depth
    const key = (citation, branch) => JSON.stringify([citation.source.document, ...branch]);
    for (const citation of citations) {
      const branch = citation.branch;
      let above;
      for (let n = branch.length - 1; n > 0 && !above; n--) {
        above = placed.get(key(citation, branch.slice(0, n)));
      }
      const heading = above ? above.heading : (branch.slice(0, -1).join(" › ") || branch[0]);
      const group = key(citation, [heading]);
      const depth = above ? above.depth + 1 : 0;
      if (!groups.has(group)) groups.set(group, { heading, list: el("ol", { class: "cites" }) });
      groups.get(group).list.append(this.citation(citation, depth));
      placed.set(key(citation, branch), { heading, depth });
    }
    const details = el(
      "details",
      { class: "sources" },
      el("summary", this.say("sources", citations.length, groups.size)),
    );
    for (const { heading, list } of groups.values()) {
      details.append(el("section", { class: "group" }, el("h3", { text: heading }), list));
    }
    return details;
  }

  citation(citation, depth) {
    const t = this.t;
    const source = citation.source;
    const item = el("li", { class: "cite-item", "data-n": String(citation.n) });
    item.style.setProperty("--depth", String(depth));
    const map = source.title || source.document;
    const button = el(
      "button",
      { type: "button", class: "cite", "aria-expanded": "false", title: t.show },
      `[${citation.n}] ${citation.quote}`,
      el("span", {
        class: "where",
        ...this.say("where", map, source.line_start, source.line_end),
      }),
    );
    button.addEventListener("click", () => this.toggleLines(item, button, source));
    item.append(button);
    return item;
  }

  // A marker [n] of the direct answer: unfold the sources and bring citation n forward.
  reveal(turn, n) {
    const details = turn.querySelector(".sources");
    const item = turn.querySelector(`.cite-item[data-n="${n}"]`);
    if (!details || !item) return;
    details.open = true;
    for (const other of turn.querySelectorAll(".target")) other.classList.remove("target");
    item.classList.add("target");
    item.querySelector(".cite").focus();
  }

  async toggleLines(item, button, source) {
    if (item.querySelector(".lines")) {
      this.closeCitation(item);
      return;
    }
    const start = Math.max(1, source.line_start - MARGIN);
    const path = `/widget/v1/documents/${encodeURIComponent(source.document)}/lines`;
    const query = (end) => `${this.api}${path}?start=${start}&end=${end}`;
    const label = `${this.t.lines} ${source.line_start}–${source.line_end}`;
    const view = el("div", { class: "lines", role: "region", "aria-label": label });
    const get = (end) => this.call(query(end));
    try {
      let response = await get(source.line_end + MARGIN);
      if (response.status === 422) response = await get(source.line_end); // near the end
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      for (const line of data.lines) {
        const cited = line.number >= source.line_start && line.number <= source.line_end;
        view.append(
          el(
            "div",
            { class: cited ? "line hit" : "line" },
            el("span", { class: "num", text: String(line.number) }),
            el("span", { class: "text", text: line.text }),
          ),
        );
      }
    } catch {
      view.append(el("p", { class: "error", role: "alert", text: this.t.errors.lines }));
    }
    item.append(view);
    button.setAttribute("aria-expanded", "true");
    this.opened = item;
  }

  // Closes a citation's lines (by default the one holding the focus, else the one opened
  // last) and gives the focus back to its button; false when none was open.
  closeCitation(item) {
    const focused = this.root.activeElement && this.root.activeElement.closest(".cite-item");
    const target = item || (focused && focused.querySelector(".lines") ? focused : this.opened);
    const view = target && target.isConnected && target.querySelector(".lines");
    if (!view) return false;
    view.remove();
    const button = target.querySelector(".cite");
    button.setAttribute("aria-expanded", "false");
    button.focus();
    return true;
  }
}

// Seconds until a token expires, from its payload (a widget token's or a JWT's second
// part: base64url JSON with `exp`); null when it does not say.
function secondsLeft(token) {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const expires = JSON.parse(atob(payload)).exp;
    return typeof expires === "number" ? expires - Date.now() / 1000 : null;
  } catch {
    return null;
  }
}

function phrase(t, key, args) {
  return typeof t[key] === "function" ? t[key](...args) : t[key];
}

function parseEvent(block) {
  let name = "message";
  let data = "";
  for (const line of block.split("\n")) {
    if (line.startsWith("event: ")) name = line.slice(7);
    else if (line.startsWith("data: ")) data += line.slice(6);
  }
  try {
    return { name, data: JSON.parse(data) };
  } catch {
    return null;
  }
}

// One line of the API's answer: "**Heading**", "  - quote [n]" (indented: deeper), or text.
function renderLine(answer, raw, onMarker) {
  const line = raw.replace(/\n$/, "");
  if (!line.trim()) return;
  const heading = /^\*\*([^*]+)\*\*$/.exec(line);
  const item = /^( *)- (.*)$/.exec(line);
  if (heading) {
    answer.append(el("p", {}, el("strong", { text: heading[1] })));
  } else if (item) {
    const p = el("p", { class: "item" });
    renderInline(p, item[2], onMarker);
    p.style.setProperty("--depth", String(Math.floor(item[1].length / 2)));
    answer.append(p);
  } else {
    const p = el("p");
    renderInline(p, line, onMarker);
    answer.append(p);
  }
}

// "**bold**" and the markers "[n]" within a line; everything else stays text (never
// parsed as HTML). A marker becomes a button when there is a citation to open.
function renderInline(parent, text, onMarker) {
  for (const part of text.split(/(\*\*[^*]+\*\*|\[\d+\])/)) {
    if (!part) continue;
    const bold = /^\*\*([^*]+)\*\*$/.exec(part);
    const marker = /^\[(\d+)\]$/.exec(part);
    if (bold) parent.append(el("strong", { text: bold[1] }));
    else if (marker && onMarker) {
      const n = Number(marker[1]);
      const open = () => onMarker(n);
      parent.append(el("button", { type: "button", class: "ref", text: part, onclick: open }));
    } else parent.append(part);
  }
}

// What a screen reader hears of a Markdown line: no emphasis marks, no markers.
function plain(markdown) {
  return markdown.replace(/\*\*/g, "").replace(/\s*\[\d+\]/g, "").replace(/\s+/g, " ").trim();
}

if (!customElements.get("rag-territoires-chat")) {
  customElements.define("rag-territoires-chat", RagTerritoiresChat);
}
