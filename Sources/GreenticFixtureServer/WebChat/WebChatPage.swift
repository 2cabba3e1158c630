import Foundation
import GreenticTestKit
import Hummingbird
import NIOCore

/// The `/webchat/` page: plain HTML and JavaScript (no build step, nothing from a CDN). It gets
/// a token and starts a conversation on this server's Direct Line API, follows the WebSocket
/// stream (polling with the watermark if the socket fails), shows the transcript, the menu
/// buttons of `webchat.menu` and a text box, and renders Adaptive Card text blocks and
/// `Action.Submit` buttons from bot activities. `?tenant=`, `?team=`, `?env=` and `?user=`
/// choose the token's context.
struct WebChatPage {
    let config: WebChatConfig

    func register(on router: Router<FixtureRequestContext>) {
        // The router treats `/webchat` and `/webchat/` as one path.
        let page = Self.html(menu: config.menu)
        router.get("/webchat/") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/html; charset=utf-8"
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
        }
    }

    /// The page, with the menu as JSON (`<` escaped so no text can close the script element).
    static func html(menu: [String]) -> String {
        let menuJSON = JSONWriter.compact(.array(menu.map { .string($0) }))
            .replacingOccurrences(of: "<", with: "\\u003c").replacingOccurrences(of: ">", with: "\\u003e")
        return template.replacingOccurrences(of: "__MENU_JSON__", with: menuJSON)
    }

    static let template = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Greentic WebChat</title>
    <style>
      body { font-family: system-ui, sans-serif; margin: 0; background: #f4f6f8; color: #1d2733; }
      header { background: #1f6f50; color: #fff; padding: 12px 20px; }
      header h1 { font-size: 18px; margin: 0; }
      #status { font-size: 13px; opacity: .9; }
      main { max-width: 760px; margin: 16px auto; padding: 0 16px; }
      #menu button, .card-action, #chat-send { background: #1f6f50; color: #fff; border: 0; border-radius: 6px; padding: 8px 12px; margin: 0 6px 6px 0; cursor: pointer; }
      #transcript { list-style: none; padding: 0; min-height: 240px; background: #fff; border-radius: 8px; padding: 12px; }
      #transcript li { margin: 6px 0; padding: 8px 10px; border-radius: 8px; max-width: 80%; }
      #transcript li.user { background: #dff1e8; margin-left: auto; text-align: right; }
      #transcript li.bot { background: #eef1f5; }
      .card { border: 1px solid #c9d2dc; border-radius: 6px; padding: 8px; background: #fff; margin-top: 4px; }
      .card p { margin: 4px 0; }
      #chat-form { display: flex; gap: 8px; margin-top: 12px; }
      #chat-input { flex: 1; padding: 8px; border: 1px solid #c9d2dc; border-radius: 6px; }
      #error { color: #a12622; min-height: 1em; }
    </style>
    </head>
    <body>
    <header><h1>Greentic WebChat</h1><div id="status" data-testid="status">Connecting…</div></header>
    <main>
      <div id="menu" data-testid="menu"></div>
      <div>Last choice: <span id="last-choice"></span></div>
      <ol id="transcript" data-testid="transcript" aria-live="polite"></ol>
      <form id="chat-form">
        <input id="chat-input" autocomplete="off" placeholder="Type a message" aria-label="Message">
        <button id="chat-send" type="submit">Send</button>
      </form>
      <div id="error" role="alert"></div>
    </main>
    <script id="menu-data" type="application/json">__MENU_JSON__</script>
    <script>
    (function () {
      "use strict";
      const params = new URLSearchParams(location.search);
      const base = location.origin + "/v3/directline";
      const seen = new Set();
      let conversation = null, token = null, watermark = null, polling = false;
      const $ = (id) => document.getElementById(id);
      const showError = (text) => { $("error").textContent = text; };

      async function call(method, url, body, bearer) {
        const headers = { "Accept": "application/json" };
        if (body !== undefined) headers["Content-Type"] = "application/json";
        if (bearer) headers["Authorization"] = "Bearer " + bearer;
        const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
        const json = await response.json().catch(() => ({}));
        if (!response.ok) throw new Error((json.error && json.error.message) || (method + " " + url + " failed with " + response.status));
        return json;
      }

      function renderCard(card, into) {
        const box = document.createElement("div");
        box.className = "card";
        for (const item of card.body || []) {
          if (item.type === "TextBlock") { const p = document.createElement("p"); p.textContent = item.text || ""; box.appendChild(p); }
        }
        for (const action of card.actions || []) {
          if (action.type !== "Action.Submit") continue;
          const b = document.createElement("button");
          b.className = "card-action";
          b.textContent = action.title || "Submit";
          b.addEventListener("click", () => send((action.data && action.data.text) || action.title || "", action.data));
          box.appendChild(b);
        }
        into.appendChild(box);
      }

      function render(activities) {
        for (const a of activities || []) {
          if (seen.has(a.id) || a.type !== "message") continue;
          seen.add(a.id);
          const bot = a.from && a.from.role === "bot";
          const li = document.createElement("li");
          li.className = bot ? "bot" : "user";
          li.dataset.role = bot ? "bot" : "user";
          const line = document.createElement("span");
          line.textContent = (bot ? "Bot: " : "You: ") + (a.text || "");
          li.appendChild(line);
          for (const att of a.attachments || []) {
            if (att.contentType === "application/vnd.microsoft.card.adaptive" && att.content) renderCard(att.content, li);
          }
          $("transcript").appendChild(li);
        }
      }

      async function poll() {
        if (polling) return;
        polling = true;
        while (conversation) {
          try {
            const q = watermark === null ? "" : "?watermark=" + encodeURIComponent(watermark);
            const page = await call("GET", base + "/conversations/" + conversation + "/activities" + q, undefined, token);
            render(page.activities);
            watermark = page.watermark;
          } catch (e) { showError(e.message); }
          await new Promise((r) => setTimeout(r, 1000));
        }
      }

      function follow(streamUrl) {
        let socket;
        try { socket = new WebSocket(streamUrl); } catch (e) { poll(); return; }
        socket.onmessage = (event) => {
          const frame = JSON.parse(event.data);
          render(frame.activities);
          watermark = frame.watermark;
        };
        socket.onerror = () => poll();
        socket.onclose = () => poll();
      }

      async function send(text, value) {
        if (!conversation) return;
        const activity = { type: "message", text: text };
        if (value !== undefined) activity.value = value;
        try {
          await call("POST", base + "/conversations/" + conversation + "/activities", activity, token);
          showError("");
        } catch (e) { showError(e.message); }
      }

      for (const choice of JSON.parse($("menu-data").textContent)) {
        const b = document.createElement("button");
        b.type = "button";
        b.dataset.choice = choice;
        b.textContent = choice;
        b.addEventListener("click", () => { $("last-choice").textContent = choice; send(choice); });
        $("menu").appendChild(b);
      }
      $("chat-form").addEventListener("submit", (event) => {
        event.preventDefault();
        const text = $("chat-input").value.trim();
        if (!text) return;
        $("chat-input").value = "";
        send(text);
      });

      (async function start() {
        try {
          const ctx = new URLSearchParams();
          for (const k of ["env", "tenant", "team"]) if (params.get(k)) ctx.set(k, params.get(k));
          const user = params.get("user") || ("web-" + Math.random().toString(36).slice(2, 10));
          const issued = await call("POST", base + "/tokens/generate?" + ctx.toString(), { user: { id: user } });
          const started = await call("POST", base + "/conversations", {}, issued.token);
          conversation = started.conversationId;
          token = started.token;
          $("status").textContent = "Connected to " + conversation;
          follow(started.streamUrl);
        } catch (e) {
          $("status").textContent = "Not connected";
          showError(e.message);
        }
      })();
    })();
    </script>
    </body>
    </html>
    """#
}
