// Shared by the client suites: the node under test and the standard development accounts.
export { devAccount } from "./accounts.mjs";

// The node started by run.sh.
export const url = process.env.ROLLUPD_URL;
if (!url) throw new Error("ROLLUPD_URL is not set: run the suites through tests/e2e/run.sh");
export const chainId = 901;

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
