// A client process of bench:meeting (forked by run.ts, so the clients do not share the event loop
// of the parent or of each other). It holds event-stream clients and sends ballots:
//   { cmd: 'connect', base, meetingId, tokens, concurrency }   → { type: 'connected', ok, failed, retries, errors }
//   { cmd: 'report', kind, afterId }                          → { type: 'report', times, missing }
//       the first event of type `kind` with an id above afterId each client got, as the time it
//       arrived (ms since the epoch, sub-millisecond); missing = clients that have not got one
//   { cmd: 'vote', base, meetingId, voteId, voters: [{ token, option, delayMs }] }
//                                                             → { type: 'voted', latencies, statuses, errors }
//   { cmd: 'close' }                                          → exits
// Each client is a raw HTTP request reading the stream: frames are split on blank lines, and
// only the event types measured are parsed as JSON.
import http from 'node:http';

const now = () => performance.timeOrigin + performance.now();
const clients = [];
const WATCHED = ['item.current', 'vote.closed'];

function openClient(base, meetingId, token, agent) {
  return new Promise((resolve) => {
    const client = { got: new Map(), buffer: '', status: 0, req: null };
    const req = http.get(
      `${base}/api/v1/meetings/${meetingId}/events`,
      { agent, headers: { Accept: 'text/event-stream', Authorization: `Bearer ${token}` } },
      (res) => {
        client.status = res.statusCode;
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          const at = now();
          const blocks = (client.buffer + chunk).split('\n\n');
          client.buffer = blocks.pop();
          for (const block of blocks) {
            const dataAt = block.indexOf('data: ');
            if (dataAt < 0) continue;
            const type = WATCHED.find((t) => block.includes(`"type":"${t}"`, dataAt));
            if (!type) continue;
            const idMatch = /^id: (\d+)$/m.exec(block);
            const id = idMatch ? Number(idMatch[1]) : 0;
            let list = client.got.get(type);
            if (!list) client.got.set(type, (list = []));
            list.push({ id, at });
          }
        });
        res.on('error', () => undefined);
        resolve(client);
      },
    );
    req.on('error', (err) => {
      client.error = String(err);
      resolve(client);
    });
    client.req = req;
  });
}

async function connect({ base, meetingId, tokens, concurrency }) {
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  let next = 0;
  let retries = 0;
  const errors = [];
  const lane = async () => {
    while (next < tokens.length) {
      const token = tokens[next++];
      // A refused connect is tried again (as a page reloads), at most three times.
      let client;
      for (let attempt = 0; attempt < 3; attempt++) {
        if (attempt) {
          retries++;
          await new Promise((r) => setTimeout(r, 500 * attempt));
        }
        client = await openClient(base, meetingId, token, agent);
        if (client.status === 200) break;
        if (errors.length < 5) errors.push(client.error ?? `HTTP ${client.status}`);
        client.req?.destroy();
      }
      clients.push(client);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const ok = clients.filter((c) => c.status === 200).length;
  return { type: 'connected', ok, failed: clients.length - ok, retries, errors };
}

function report({ kind, afterId }) {
  const times = [];
  let missing = 0;
  for (const c of clients) {
    if (c.status !== 200) continue;
    const hit = (c.got.get(kind) ?? []).find((e) => e.id > afterId);
    if (hit) times.push(hit.at);
    else missing++;
  }
  return { type: 'report', times, missing };
}

function post(agent, url, token, body) {
  return new Promise((resolve) => {
    const payload = JSON.stringify(body);
    const started = now();
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          if (text.length < 300) text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode, ms: now() - started, text }));
      },
    );
    req.on('error', (err) => resolve({ status: 0, ms: now() - started, text: String(err) }));
    req.end(payload);
  });
}

async function vote({ base, meetingId, voteId, voters }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const url = `${base}/api/v1/meetings/${meetingId}/votes/${voteId}/ballots`;
  const results = await Promise.all(
    voters.map(
      (v) =>
        new Promise((resolve) =>
          setTimeout(
            () => post(agent, url, v.token, { option: v.option }).then(resolve),
            v.delayMs,
          ),
        ),
    ),
  );
  agent.destroy();
  const errors = results
    .filter((r) => r.status !== 201)
    .slice(0, 5)
    .map((r) => `${r.status} ${r.text}`);
  return {
    type: 'voted',
    latencies: results.map((r) => r.ms),
    statuses: results.map((r) => r.status),
    errors,
  };
}

process.on('message', async (msg) => {
  if (msg.cmd === 'connect') process.send(await connect(msg));
  else if (msg.cmd === 'report') process.send(report(msg));
  else if (msg.cmd === 'vote') process.send(await vote(msg));
  else if (msg.cmd === 'close') {
    for (const c of clients) c.req?.destroy();
    process.exit(0);
  }
});
