// Shared by the client suites: the node under test and the standard development accounts.
import WebSocket from "ws";

export { devAccount } from "./accounts.mjs";

// The node started by run.sh.
export const url = process.env.ROLLUPD_URL;
if (!url) throw new Error("ROLLUPD_URL is not set: run the suites through tests/e2e/run.sh");
export const chainId = 901;
export const wsUrl = url.replace(/^http/, "ws");

// One raw JSON-RPC exchange: the parsed body, or the HTTP status when the answer is not JSON.
export async function rpc(body, headers = { "content-type": "application/json" }) {
  const res = await fetch(url, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  try {
    return { status: res.status, json: JSON.parse(text) };
  } catch {
    return { status: res.status, text };
  }
}

export async function call(method, params = []) {
  const { json } = await rpc({ jsonrpc: "2.0", id: 1, method, params });
  if (json.error) throw new Error(`${method}: ${json.error.message}`);
  return json.result;
}

// `promise`, or a rejection with message() after `ms` milliseconds.
export function within(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// A raw JSON-RPC WebSocket session: `request` sends a call and resolves with its answer, `next`
// resolves with the first message (already received or still to come) that `match` accepts.
export async function openSocket() {
  const ws = new WebSocket(wsUrl);
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  const messages = [];
  const waiters = [];
  ws.on("message", (data) => {
    const m = JSON.parse(data.toString());
    messages.push(m);
    for (const w of [...waiters]) {
      if (w.match(m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  const next = (match, ms = 10_000, what = "a message") =>
    within(
      new Promise((resolve) => {
        const found = messages.find(match);
        if (found) resolve(found);
        else waiters.push({ match, resolve });
      }),
      ms,
      () => `timed out after ${ms} ms waiting for ${what}`,
    );
  let id = 100;
  const request = (method, params) => {
    const mine = ++id;
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: mine, method, params }));
    return next((m) => m.id === mine, 10_000, `the answer to ${method}`);
  };
  return { messages, next, request, close: () => ws.close() };
}
