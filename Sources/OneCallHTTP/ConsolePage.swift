/// The web console: one page, no external assets, served at `/` by `onecall serve`. It talks to
/// the REST API with the operator's token (it asks them to sign in when the API refuses it), takes
/// live updates and chat answers over the websocket at `/api/v1/ws`, and polls every two seconds
/// while that is down.
enum ConsolePage {
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>OneCall console</title>
        <style>
        :root { --bg: #f4f5f7; --card: #fff; --ink: #1d2330; --mute: #667085; --line: #e3e6eb; --accent: #2f6fec;
                --bad: #c0362c; --warn: #b7791f; --good: #2f855a; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg);
               color: var(--ink); }
        header { display: flex; align-items: center; gap: 12px; padding: 10px 16px; background: var(--ink); color: #fff; }
        header h1 { font-size: 17px; margin: 0; }
        header .status { margin-left: auto; font-size: 13px; opacity: .8; }
        main { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.4fr); gap: 14px; padding: 14px;
               max-width: 1400px; margin: 0 auto; }
        section { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px;
                  min-width: 0; }
        section h2 { font-size: 15px; margin: 0 0 8px; }
        #chat { grid-row: span 3; display: flex; flex-direction: column; min-height: 420px; max-height: calc(100vh - 90px); }
        #messages { flex: 1; overflow-y: auto; display: flex; flex-direction: column; gap: 8px; padding-right: 4px; }
        .msg { padding: 8px 10px; border-radius: 8px; overflow-wrap: anywhere; }
        .msg.you { background: #e8effd; align-self: flex-end; max-width: 90%; }
        .msg.bot { background: #f1f2f4; }
        .msg.bot blockquote { margin: 6px 0; padding-left: 8px; border-left: 3px solid var(--line); color: var(--mute); }
        .msg code { background: #e7e9ee; padding: 0 3px; border-radius: 3px; font-size: 13px; }
        .facts { font-size: 12px; color: var(--mute); margin-top: 4px; }
        form.ask { display: flex; gap: 8px; margin-top: 8px; }
        form.ask input { flex: 1; min-width: 0; padding: 9px; border: 1px solid var(--line); border-radius: 8px; font: inherit; }
        button { font: inherit; font-size: 13px; padding: 6px 10px; border-radius: 7px; border: 1px solid var(--line);
                 background: #fff; cursor: pointer; }
        button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
        .suggest { display: flex; flex-wrap: wrap; gap: 6px; margin: 6px 0; }
        .suggest button { font-size: 12px; }
        table { width: 100%; border-collapse: collapse; font-size: 13px; }
        th, td { text-align: left; padding: 5px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { color: var(--mute); font-weight: 600; }
        .scroll { overflow-x: auto; }
        .pill { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px; background: #eef0f3; }
        .pill.open { background: #fde8e6; color: var(--bad); }
        .pill.acknowledged { background: #fdf3dc; color: var(--warn); }
        .pill.resolved { background: #e3f4ea; color: var(--good); }
        .err { color: var(--bad); font-weight: 600; }
        .row-actions { display: flex; flex-wrap: wrap; gap: 4px; }
        .mute { color: var(--mute); }
        .shadow { font-size: 12px; margin-top: 3px; }
        #signin { position: fixed; inset: 0; background: rgba(20, 24, 33, .55); display: flex; align-items: center;
                  justify-content: center; z-index: 10; }
        #signin[hidden] { display: none; }
        #signin form { background: var(--card); padding: 18px; border-radius: 10px; width: min(340px, 92vw);
                       display: flex; flex-direction: column; gap: 10px; }
        #signin label { display: flex; flex-direction: column; gap: 4px; font-size: 13px; }
        #signin input { padding: 8px; border: 1px solid var(--line); border-radius: 7px; font: inherit; }
        @media (max-width: 820px) {
          main { grid-template-columns: minmax(0, 1fr); padding: 8px; gap: 10px; }
          #chat { grid-row: auto; max-height: none; min-height: 360px; }
          .hide-narrow { display: none; }
          #devices thead { display: none; }
          #devices tr { display: block; padding: 6px 0; border-bottom: 1px solid var(--line); }
          #devices td { display: block; border: 0; padding: 2px 0; }
          .row-actions button { padding: 4px 7px; font-size: 12px; }
        }
        </style>
        </head>
        <body>
        <header><h1>OneCall</h1><span class="status"><span id="who"></span> <span id="status">connecting…</span></span></header>
        <div id="signin" hidden>
          <form id="signin-form">
            <h2>Sign in</h2>
            <label>User name <input id="username" autocomplete="username" required></label>
            <label>Password <input id="password" type="password" autocomplete="current-password" required></label>
            <button class="primary" type="submit">Sign in</button>
            <div id="signin-error" class="err" role="alert"></div>
          </form>
        </div>
        <main>
          <section id="chat">
            <h2>Ask OneCall</h2>
            <div class="suggest" id="suggest"></div>
            <div id="messages" aria-live="polite"></div>
            <form class="ask" id="ask">
              <input id="question" name="question" autocomplete="off" maxlength="4000"
                     placeholder="Please tell me about the device …" aria-label="Question">
              <button class="primary" type="submit">Ask</button>
            </form>
          </section>
          <section>
            <h2>Devices</h2>
            <div class="scroll"><table id="devices"><thead><tr><th>Device</th><th>Latest reading</th>
              <th>Simulated device</th></tr></thead><tbody></tbody></table></div>
          </section>
          <section>
            <h2>Tickets</h2>
            <div class="scroll"><table id="tickets"><thead><tr><th>Ticket</th><th>Device</th><th>Code</th><th>Status</th>
              <th class="hide-narrow">Actions and calls</th><th></th></tr></thead><tbody></tbody></table></div>
          </section>
          <section>
            <h2>Knowledge base</h2>
            <div id="knowledge" class="mute">…</div>
          </section>
        </main>
        <script>
        "use strict";
        const session = sessionStorage.getItem("onecall.session") || ("web-" + Math.random().toString(36).slice(2));
        sessionStorage.setItem("onecall.session", session);
        function token() { return localStorage.getItem("onecall.token") || ""; }
        async function api(method, path, body, retried) {
          const headers = { "Accept": "application/json" };
          if (token()) headers["Authorization"] = "Bearer " + token();
          if (body !== undefined) headers["Content-Type"] = "application/json";
          const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
          if (response.status === 401 && path !== "/api/v1/login" && !retried) {
            await signIn();
            return api(method, path, body, true);
          }
          const data = await response.json().catch(() => ({}));
          if (!response.ok) throw new Error((data.error && data.error.message) || ("HTTP " + response.status));
          return data;
        }
        let signingIn = null;
        function signIn() {
          if (signingIn) return signingIn;
          localStorage.removeItem("onecall.token");
          const dialog = document.getElementById("signin");
          dialog.hidden = false;
          document.getElementById("username").focus();
          signingIn = new Promise(resolve => {
            document.getElementById("signin-form").onsubmit = async event => {
              event.preventDefault();
              const message = document.getElementById("signin-error");
              const response = await fetch("/api/v1/login", { method: "POST", headers: { "Content-Type": "application/json" },
                body: JSON.stringify({ username: document.getElementById("username").value,
                                       password: document.getElementById("password").value }) });
              if (response.status === 404) {
                const value = prompt("This OneCall has no operator accounts; its API token (http.api_token):");
                if (value) localStorage.setItem("onecall.token", value);
              } else if (!response.ok) { message.textContent = "Wrong user name or password."; return; }
              else {
                const data = await response.json();
                localStorage.setItem("onecall.token", data.token);
                document.getElementById("who").textContent = data.username;
              }
              message.textContent = ""; dialog.hidden = true; signingIn = null; resolve();
            };
          });
          return signingIn;
        }
        function escapeHTML(text) {
          return String(text).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
        }
        function inline(text) {
          return escapeHTML(text).replace(/`([^`]+)`/g, "<code>$1</code>").replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
            .replace(/\*([^*]+)\*/g, "<em>$1</em>");
        }
        function markdown(text) {
          const out = []; let list = null; let quote = [];
          const flush = () => {
            if (list) { out.push("</" + list + ">"); list = null; }
            if (quote.length) { out.push("<blockquote>" + quote.join("<br>") + "</blockquote>"); quote = []; }
          };
          for (const line of String(text).split("\n")) {
            let m;
            if ((m = line.match(/^>\s?(.*)$/))) { if (list) { out.push("</" + list + ">"); list = null; } quote.push(inline(m[1])); continue; }
            if (quote.length) { out.push("<blockquote>" + quote.join("<br>") + "</blockquote>"); quote = []; }
            if ((m = line.match(/^\s*[-*]\s+(.*)$/))) { if (list !== "ul") { flush(); out.push("<ul>"); list = "ul"; } out.push("<li>" + inline(m[1]) + "</li>"); continue; }
            if ((m = line.match(/^\s*\d+\.\s+(.*)$/))) { if (list !== "ol") { flush(); out.push("<ol>"); list = "ol"; } out.push("<li>" + inline(m[1]) + "</li>"); continue; }
            flush();
            if ((m = line.match(/^#{1,6}\s+(.*)$/))) { out.push("<strong>" + inline(m[1]) + "</strong><br>"); continue; }
            if (line.trim() === "") continue;
            out.push("<div>" + inline(line) + "</div>");
          }
          flush();
          return out.join("");
        }
        function addMessage(kind, html) {
          const box = document.getElementById("messages");
          const div = document.createElement("div");
          div.className = "msg " + kind; div.innerHTML = html; box.appendChild(div); box.scrollTop = box.scrollHeight;
          return div;
        }
        // Live updates and the chat over the websocket; REST and polling while it is down.
        let socket = null, live = false, nextID = 1;
        const waiting = new Map();
        function connect() {
          const scheme = location.protocol === "https:" ? "wss:" : "ws:";
          const query = token() ? "?token=" + encodeURIComponent(token()) : "";
          socket = new WebSocket(scheme + "//" + location.host + "/api/v1/ws" + query);
          socket.onopen = () => { live = true; refresh(); };
          socket.onmessage = event => {
            let m; try { m = JSON.parse(event.data); } catch (_) { return; }
            if (m.type === "changed" || m.type === "tick") refresh();
            else if (waiting.has(m.id)) { waiting.get(m.id)(m); waiting.delete(m.id); }
          };
          socket.onclose = () => {
            live = false;
            for (const resolve of waiting.values()) resolve(null);
            waiting.clear();
            setTimeout(connect, 3000);
          };
        }
        function askLive(question) {
          if (!live) return Promise.resolve(null);
          const id = nextID++;
          return new Promise(resolve => {
            waiting.set(id, resolve);
            socket.send(JSON.stringify({ type: "chat", id, session, message: question }));
            setTimeout(() => { if (waiting.has(id)) { waiting.delete(id); resolve(null); } }, 15000);
          });
        }
        async function ask(question) {
          addMessage("you", escapeHTML(question));
          const pending = addMessage("bot", "<span class=mute>…</span>");
          try {
            let answer = await askLive(question);
            pending.dataset.via = answer ? "websocket" : "rest";
            if (answer && answer.type === "error") throw new Error(answer.message);
            if (!answer) answer = await api("POST", "/api/v1/chat", { session, message: question });
            const facts = (answer.facts || []).map(f => escapeHTML(f.source)).join(" · ");
            pending.innerHTML = markdown(answer.answer) + (facts ? "<div class=facts>facts: " + facts + "</div>" : "");
            pending.dataset.intent = answer.intent || "";
          } catch (error) { pending.innerHTML = "<span class=err>" + escapeHTML(error.message) + "</span>"; }
        }
        document.getElementById("ask").addEventListener("submit", event => {
          event.preventDefault();
          const input = document.getElementById("question");
          const text = input.value.trim(); if (!text) return; input.value = ""; ask(text);
        });
        const faults = ["high_temperature", "low_pressure", "compressor_failure"];
        async function command(device, body) {
          try { await api("POST", "/api/v1/devices/" + encodeURIComponent(device) + "/commands", body); refresh(); }
          catch (error) { alert(error.message); }
        }
        function short(id) { return escapeHTML(String(id).slice(0, 8)); }
        const interesting = /power|pressure|temperature|error|status|mode/;
        async function refreshDevices() {
          const data = await api("GET", "/api/v1/devices");
          const devices = data.devices || [];
          const rows = await Promise.all(devices.slice(0, 50).map(async device => {
            let reading = "";
            try {
              const t = await api("GET", "/api/v1/telemetry?device=" + encodeURIComponent(device.device_id) + "&limit=1&order=desc");
              const r = (t.readings || [])[0];
              if (r) {
                const p = r.payload || {};
                reading = Object.keys(p).filter(k => interesting.test(k)).slice(0, 6)
                  .map(k => "<span class=mute>" + escapeHTML(k) + "</span> " + escapeHTML(p[k])).join(" · ");
              }
            } catch (_) {}
            let shadow = "";
            try {
              const doc = await api("GET", "/things/" + encodeURIComponent(device.device_id) + "/shadow");
              const state = doc.state || {};
              const part = (name, value) => value && Object.keys(value).length ?
                "<span class=mute>" + name + "</span> " + escapeHTML(JSON.stringify(value).slice(0, 160)) : "";
              shadow = ["shadow v" + escapeHTML(doc.version), part("desired", state.desired),
                        part("delta", state.delta)].filter(Boolean).join(" · ");
            } catch (_) { shadow = "<span class=mute>no shadow</span>"; }
            const id = escapeHTML(device.device_id);
            const faultButtons = faults.map(f => `<button data-device="${id}" data-fault="${f}">${f.replace("_", " ")}</button>`).join("");
            return `<tr data-device-row="${id}"><td><strong>${id}</strong><br><span class=mute>${escapeHTML(device.city || "")}</span></td>` +
              `<td>${reading || "<span class=mute>no readings</span>"}<div class=shadow>${shadow}</div></td>` +
              `<td><div class=row-actions>${faultButtons}<button data-device="${id}" data-wattage="abnormal">abnormal wattage</button>` +
              `<button data-device="${id}" data-clear="1">clear</button></div></td></tr>`;
          }));
          document.querySelector("#devices tbody").innerHTML = rows.join("") || "<tr><td colspan=3 class=mute>no devices</td></tr>";
          if (devices.length) suggest("Please tell me about the device " + devices[0].device_id);
        }
        async function refreshTickets() {
          const data = await api("GET", "/api/v1/tickets?limit=30");
          const calls = (await api("GET", "/api/v1/calls?limit=100")).calls || [];
          const rows = (data.tickets || []).map(ticket => {
            const actions = (ticket.actions || []).map(a => escapeHTML(a.tool) + ": " + escapeHTML(a.status)).join(", ");
            const ticketCalls = calls.filter(c => c.ticket_id === ticket.unique_id)
              .map(c => "call " + escapeHTML(c.status) + " (" + c.attempts + ")").join(", ");
            const id = escapeHTML(ticket.unique_id);
            const buttons = ticket.status === "resolved" ? "" :
              (ticket.status === "open" ? `<button data-ticket="${id}" data-do="acknowledge">ack</button>` : "") +
              `<button data-ticket="${id}" data-do="resolve">resolve</button>`;
            return `<tr data-ticket-row="${id}" data-code="${escapeHTML(ticket.error_code)}"><td title="${id}">${short(id)}</td>` +
              `<td>${escapeHTML(ticket.device_id)}</td><td><strong>${escapeHTML(ticket.error_code)}</strong></td>` +
              `<td><span class="pill ${escapeHTML(ticket.status)}">${escapeHTML(ticket.status)}</span></td>` +
              `<td class=hide-narrow>${actions}${ticketCalls ? "<br>" + ticketCalls : ""}</td>` +
              `<td><div class=row-actions>${buttons}</div></td></tr>`;
          });
          document.querySelector("#tickets tbody").innerHTML = rows.join("") || "<tr><td colspan=6 class=mute>no tickets</td></tr>";
        }
        async function refreshKnowledge() {
          const data = await api("GET", "/api/v1/knowledge");
          const docs = data.documents || [];
          document.getElementById("knowledge").innerHTML = docs.length ?
            docs.map(d => "<div><strong>" + escapeHTML(d.name) + "</strong> <span class=mute>" +
              (d.error ? escapeHTML(d.error) : escapeHTML(d.sections + " sections")) + "</span></div>").join("") :
            "empty: add guides with onecall kb add";
        }
        document.addEventListener("click", event => {
          const b = event.target.closest("button"); if (!b) return;
          if (b.dataset.fault) command(b.dataset.device, { action: "inject_fault", fault_type: b.dataset.fault });
          else if (b.dataset.wattage) command(b.dataset.device, { action: "set_wattage_mode", wattage_mode: b.dataset.wattage });
          else if (b.dataset.clear) command(b.dataset.device, { action: "clear_fault" });
          else if (b.dataset.do) api("POST", "/api/v1/tickets/" + b.dataset.ticket + "/" + b.dataset.do, { by: "console" })
            .then(refresh, error => alert(error.message));
          else if (b.dataset.question) ask(b.dataset.question);
        });
        function suggest(q) {
          const box = document.getElementById("suggest");
          if ([...box.children].some(b => b.dataset.question === q)) return;
          const b = document.createElement("button"); b.type = "button"; b.dataset.question = q; b.textContent = q;
          box.appendChild(b);
        }
        suggest("What is wrong right now?"); suggest("Open tickets");
        let busy = false;
        async function refresh() {
          if (busy) return; busy = true;
          try {
            await Promise.all([refreshDevices(), refreshTickets()]);
            document.getElementById("status").textContent =
              (live ? "live, " : "") + "updated " + new Date().toLocaleTimeString();
          } catch (error) { document.getElementById("status").textContent = error.message; }
          busy = false;
        }
        refresh().then(connect); refreshKnowledge().catch(() => {});
        setInterval(() => { if (!live) refresh(); }, 2000);
        setInterval(() => refreshKnowledge().catch(() => {}), 15000);
        </script>
        </body>
        </html>
        """#
}
