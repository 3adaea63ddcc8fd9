// The intranet page's own script. The assistant's token lives minutes: before it expires,
// the widget asks for a new one, and this page fetches it from its own server (which
// checks the visitor's session, then exchanges its API key: POST /v1/widget-tokens).
// The key never reaches the browser; the conversation goes on.
const chat = document.querySelector("rag-territoires-chat");
if (chat) {
  chat.tokenProvider = async () => {
    const response = await fetch("/widget-token", { method: "POST", cache: "no-store" });
    if (!response.ok) throw new Error(`no widget token (HTTP ${response.status})`);
    return (await response.json()).token;
  };
}
