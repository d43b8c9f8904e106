// The reader inside Telegram: the article as the bot cites it, the group's discussion beside
// each paragraph, and Quote / Discuss / Unclear on a chosen paragraph or sentence.
// Every string from the server is set as text, never as HTML.
"use strict";
(function () {
  const tg = window.Telegram && window.Telegram.WebApp && window.Telegram.WebApp.initData
    ? window.Telegram.WebApp : null;
  // Without telegram-web-app.js, the sign-in and theme are in the address Telegram opened.
  const launch = new URLSearchParams(location.hash.slice(1));
  const initData = tg ? tg.initData : (launch.get("tgWebAppData") || "");
  const query = new URLSearchParams(location.search);
  const page = document.getElementById("page");
  const actions = document.getElementById("actions");
  const chosenLabel = document.getElementById("chosen");
  const toast = document.getElementById("toast");
  let state = { article: null, group: false, chosen: null };

  function theme() {
    let params = {};
    if (tg) params = tg.themeParams || {};
    else { try { params = JSON.parse(launch.get("tgWebAppThemeParams") || "{}"); } catch (e) { params = {}; } }
    for (const [key, value] of Object.entries(params)) {
      if (typeof value === "string" && /^#[0-9a-fA-F]{3,8}$/.test(value)) {
        document.documentElement.style.setProperty("--tg-theme-" + key.replace(/_/g, "-"), value);
      }
    }
  }

  function el(tag, props, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "href" && !/^https?:\/\//i.test(value)) continue;  // no javascript: links
      else node.setAttribute(key, value);
    }
    for (const child of children || []) if (child) node.appendChild(child);
    return node;
  }

  async function api(path, body) {
    const response = await fetch("api/" + path, {
      method: "POST",
      headers: { "Authorization": "tma " + initData, "Content-Type": "application/json" },
      body: JSON.stringify(body || {}),
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    if (!response.ok) throw new Error(data.error || ("The bot answered " + response.status + "."));
    return data;
  }

  function say(text) {
    toast.textContent = text;
    toast.hidden = false;
    clearTimeout(say.timer);
    say.timer = setTimeout(() => { toast.hidden = true; }, 4000);
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function countsLabel(c) {
    const parts = [];
    if (c.threads) parts.push(plural(c.threads, "thread", "threads"));
    if (c.messages) parts.push(plural(c.messages, "reply", "replies"));
    if (c.quotes) parts.push(plural(c.quotes, "quote", "quotes"));
    if (c.unclear) parts.push(c.unclear + " unclear");
    return parts.join(" · ");
  }

  async function showMargin(paragraph, section) {
    let box = section.querySelector(".margin");
    if (box) { box.remove(); return; }
    box = el("div", { class: "margin", text: "Loading…" });
    section.appendChild(box);
    try {
      const margin = await api("margin", { ref: paragraph.ref });
      box.textContent = "";
      if (margin.openings.length) {
        box.appendChild(el("div", { text: "Posts of " + margin.ref + " in the group:" }));
        const list = el("ul");
        for (const opening of margin.openings) {
          const line = opening.when + " · " + plural(opening.replies, "reply", "replies") + " · ";
          const item = el("li", { text: line });
          item.appendChild(el("span", { text: opening.excerpt }));
          if (opening.link) {
            item.appendChild(document.createTextNode(" · "));
            item.appendChild(el("a", { href: opening.link, text: "open in the chat", onclick: (e) => open(e, opening.link) }));
          }
          list.appendChild(item);
        }
        box.appendChild(list);
      }
      if (margin.quoted) {
        box.appendChild(el("div", { text: "Quoted " + (margin.quoted === 1 ? "once" : margin.quoted + " times") + " in the group." }));
      }
      if (margin.unclear_by.length) {
        box.appendChild(el("div", { text: "Marked unclear by " + margin.unclear_by.join(", ") + "." }));
      }
      if (!box.childNodes.length) box.textContent = "Not discussed in the group yet.";
    } catch (error) { box.textContent = error.message; }
  }

  function open(event, link) {
    if (!tg) return;
    event.preventDefault();
    if (/^https:\/\/t\.me\//.test(link)) tg.openTelegramLink(link); else tg.openLink(link);
  }

  function choose(paragraph, section) {
    for (const other of page.querySelectorAll(".para.chosen")) other.classList.remove("chosen");
    section.classList.add("chosen");
    state.chosen = paragraph;
    chosenLabel.textContent = "¶" + paragraph.n;
    chosenLabel.title = paragraph.ref + ": all of it, or select a sentence in it";
    document.getElementById("unclear-button").hidden = !state.group;
    actions.hidden = false;
  }

  // Where the selection lies in a paragraph's text, as character offsets; null if there is
  // none, or it reaches outside the paragraph.
  function selectionIn(section) {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0);
    const text = section.querySelector("p").lastChild;
    if (!section.contains(range.startContainer) || !section.contains(range.endContainer)) return null;
    const start = range.startContainer === text ? range.startOffset : 0;
    const end = range.endContainer === text ? range.endOffset : 0;
    return end > start ? { start: start, end: end } : null;
  }

  // What the bot will cite for a selection: the sentences it touches (bot/telegram/reader.py).
  function cited(paragraph, selected) {
    const spans = paragraph.sentences || [];
    const touched = [];
    spans.forEach((span, i) => { if (span[0] < selected.end && span[1] > selected.start) touched.push(i + 1); });
    if (!touched.length || touched.length === spans.length) return "¶" + paragraph.n;
    const first = touched[0], last = touched[touched.length - 1];
    return "¶" + paragraph.n + "." + first + (last !== first ? "-" + last : "");
  }

  function paraOf(node) {
    const element = node && (node.nodeType === 3 ? node.parentElement : node);
    return element ? element.closest(".para") : null;
  }

  // A selection chooses the paragraph it is in: what is quoted is what the member selected.
  document.addEventListener("selectionchange", () => {
    const selection = window.getSelection();
    if (!state.article || !selection || !selection.rangeCount) return;
    if (selection.isCollapsed) {
      if (state.chosen) chosenLabel.textContent = "¶" + state.chosen.n;
      else if (!actions.hidden) chosenLabel.textContent = "Tap a ¶";
      return;
    }
    const range = selection.getRangeAt(0);
    const first = paraOf(range.startContainer), last = paraOf(range.endContainer);
    if (!first || !last) return;
    if (first !== last) {
      state.chosen = null;
      chosenLabel.textContent = "One ¶ only";
      return;
    }
    choose(state.article.paragraphs[parseInt(first.id.slice(1), 10) - 1], first);
    const selected = selectionIn(first);
    if (selected) chosenLabel.textContent = cited(state.chosen, selected);
  });

  function unchoose() {
    for (const other of page.querySelectorAll(".para.chosen")) other.classList.remove("chosen");
    state.chosen = null;
    actions.hidden = true;
  }

  let pending = false;
  async function act(action) {
    const paragraph = state.chosen;
    if (!paragraph) { say("Tap a paragraph, or select a sentence within one."); return; }
    if (pending) return;  // one press at a time: a second tap while it goes posts nothing
    pending = true;
    for (const button of actions.querySelectorAll("button[data-action]")) button.disabled = true;
    const section = document.getElementById("p" + paragraph.n);
    const request = (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + Date.now()).replace(/[^A-Za-z0-9_-]/g, "");
    const body = Object.assign({ action: action, ref: paragraph.ref, request: request }, selectionIn(section) || {});
    try {
      const done = await api("act", body);
      say(done.said);
      if (state.group) refreshCounts();
    } catch (error) {
      say(error.message === "Failed to fetch" ? "The bot did not answer; try again in a moment." : error.message);
    } finally {
      pending = false;
      for (const button of actions.querySelectorAll("button[data-action]")) button.disabled = false;
    }
  }

  function countsButton(paragraph, section) {
    return el("button", { type: "button", class: "counts", text: countsLabel(paragraph.counts), onclick: () => showMargin(paragraph, section) });
  }

  // After a quote, a thread or a mark, the margin shows it.
  async function refreshCounts() {
    try {
      const data = await api("open", { article: state.article.id });
      for (const paragraph of data.article.paragraphs) {
        const section = document.getElementById("p" + paragraph.n);
        if (!section) continue;
        const old = section.querySelector(".counts");
        if (!paragraph.counts) { if (old) old.remove(); continue; }
        const button = countsButton(paragraph, section);
        if (old) old.replaceWith(button); else section.querySelector("p").after(button);
      }
    } catch (error) { /* the counts stay as they were */ }
  }

  function renderArticle(data) {
    const article = data.article;
    state.article = article;
    state.group = data.group;
    page.textContent = "";
    window.scrollTo(0, 0);
    document.title = article.title;
    document.documentElement.lang = article.language || "en";
    page.appendChild(el("button", { type: "button", class: "back", text: "← The library", onclick: () => { unchoose(); load({}); } }));
    page.appendChild(el("h1", { text: article.title }));
    const meta = [article.author, article.publication, article.date].filter(Boolean).join(" · ");
    const line = el("p", { class: "meta", text: meta + (meta ? " · " : "") + article.words.toLocaleString() + " words" });
    if (article.url) {
      line.appendChild(document.createTextNode(" · "));
      line.appendChild(el("a", { href: article.url, rel: "noopener noreferrer", target: "_blank", text: "source", onclick: (e) => open(e, article.url) }));
    }
    page.appendChild(line);
    if (article.standfirst) page.appendChild(el("p", { class: "standfirst", text: article.standfirst }));
    if (!data.group) page.appendChild(el("p", { class: "hint", text: "The group's discussion shows when you open the reader from the group's Read button." }));
    for (const paragraph of article.paragraphs) {
      const section = el("section", { class: "para", id: "p" + paragraph.n }, [
        el("p", {}, [el("span", { class: "num", text: "¶" + paragraph.n }), document.createTextNode(paragraph.text)]),
      ]);
      section.addEventListener("click", (event) => {
        if (event.target.closest(".counts, .margin, a")) return;
        choose(paragraph, section);
      });
      if (paragraph.counts) section.appendChild(countsButton(paragraph, section));
      page.appendChild(section);
    }
    if (data.paragraph) {
      const target = document.getElementById("p" + data.paragraph);
      if (target) { target.scrollIntoView({ block: "start" }); target.classList.add("chosen"); choose(article.paragraphs[data.paragraph - 1], target); }
    }
  }

  function renderLibrary(data) {
    page.textContent = "";
    window.scrollTo(0, 0);
    page.appendChild(el("h1", { text: "The library" }));
    const list = el("ul", { class: "library" });
    for (const item of data.library) {
      const meta = [item.author, item.publication, item.date, item.minutes + " min"].filter(Boolean).join(" · ");
      list.appendChild(el("li", {}, [
        el("button", { type: "button", text: item.number + ". " + item.title, onclick: () => load({ article: item.id }) }),
        el("div", { class: "meta", text: meta }),
      ]));
    }
    page.appendChild(list);
  }

  async function load(body) {
    try {
      const data = await api("open", body);
      if (data.article) renderArticle(data); else renderLibrary(data);
      document.body.dataset.ready = "yes";
    } catch (error) {
      if (error.message === "Failed to fetch") error.message = "The bot did not answer; close the reader and open it again in a moment.";
      page.textContent = "";
      page.appendChild(el("p", { class: "hint", id: "status", text: error.message }));
      document.body.dataset.ready = "refused";
    }
  }

  theme();
  for (const button of actions.querySelectorAll("button[data-action]")) {
    button.addEventListener("click", () => act(button.dataset.action));
  }
  document.getElementById("close").addEventListener("click", unchoose);
  if (tg) { tg.ready(); tg.expand(); }
  const paragraph = parseInt(query.get("p") || "", 10);
  load({ article: query.get("a") || "", paragraph: Number.isFinite(paragraph) ? paragraph : null });
})();
