/* ---------- the API client: bearer token, one refresh on 401, SSE over fetch ---------- */
function ApiError(status, code, message, retryable, fields) {
  this.status = status; this.code = code; this.message = message; this.retryable = retryable;
  this.fields = fields || {};
}

function Client(options) {
  this.base = (options.apiBase || DEFAULT_BASE).replace(/\/+$/, "");
  this.token = options.token;
  this.onTokenExpired = options.onTokenExpired;
}

Client.prototype.send = async function (method, path, body, accept, refreshed) {
  var headers = {Authorization: "Bearer " + this.token, Accept: accept || "application/json"};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  var response;
  try {
    response = await fetch(this.base + "/api/v1" + path, {
      method: method, headers: headers, mode: "cors", credentials: "omit",
      body: body === undefined ? undefined : JSON.stringify(body)
    });
  } catch (e) {
    throw new ApiError(0, "network", "The coach can't be reached from this page right now.", true);
  }
  if (response.status === 401 && this.onTokenExpired && !refreshed) {
    var fresh = null;
    try { fresh = await this.onTokenExpired(); } catch (e) { fresh = null; }
    if (fresh) {
      this.token = fresh;
      return this.send(method, path, body, accept, true);
    }
  }
  if (!response.ok) throw await errorOf(response);
  return response;
};

async function errorOf(response) {
  var message = "Something went wrong (" + response.status + ").", code = "error", fields = null;
  try {
    var data = await response.json();
    if (data && data.error) {
      message = data.error.message || message; code = data.error.code || code; fields = data.error.fields;
    }
  } catch (e) { /* not JSON */ }
  if (response.status === 401) message = "Your sign-in to the coach has expired. Reload the page to continue.";
  return new ApiError(response.status, code, message, response.status >= 500 || response.status === 429, fields);
}

Client.prototype.json = async function (method, path, body) {
  var response = await this.send(method, path, body);
  return response.status === 204 ? null : response.json();
};

/* Reads an SSE body, calling handlers[event](data) for each complete event. */
Client.prototype.stream = async function (path, body, handlers) {
  var response = await this.send("POST", path, body, "text/event-stream");
  var type = response.headers.get("Content-Type") || "";
  if (type.indexOf("text/event-stream") !== 0 || !response.body) {
    var data = await response.json();
    handlers.done && handlers.done(data.reply || data);
    return;
  }
  var reader = response.body.getReader(), decoder = new TextDecoder(), buffer = "";
  for (;;) {
    var chunk;
    try { chunk = await reader.read(); } catch (e) {
      throw new ApiError(0, "network", "The connection dropped while the coach was answering.", true);
    }
    if (chunk.done) break;
    buffer += decoder.decode(chunk.value, {stream: true}).replace(/\r\n?/g, "\n");
    var cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      dispatch(buffer.slice(0, cut), handlers);
      buffer = buffer.slice(cut + 2);
    }
  }
  if (buffer.trim()) dispatch(buffer, handlers);
};

function dispatch(block, handlers) {
  var event = "message", data = [];
  block.split("\n").forEach(function (line) {
    if (line.indexOf("event:") === 0) event = line.slice(6).trim();
    else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
  });
  if (!data.length || !handlers[event]) return;
  var payload;
  try { payload = JSON.parse(data.join("\n")); } catch (e) { payload = {text: data.join("\n")}; }
  handlers[event](payload);
}
