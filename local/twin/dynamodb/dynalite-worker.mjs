/**
 * The twin's DynamoDB, dynalite, in a worker thread of its own (started by dynamo.ts).
 *
 * At scale most of a local run's requests are DynamoDB's (the Powertools records and the OpenSearch
 * package leases: about 20 per release, against about 12 to the other services; `npm run bench`
 * lists them). On the main thread they queue behind the engine, the handlers and the SDK, all on
 * one core; here dynalite answers them on another core: about a quarter less of the bench's wall
 * time at N = 1000.
 *
 * Plain JavaScript: a worker thread gets neither the CLI's TypeScript loader (tsx) nor vitest's.
 */
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { foreignRequestReason } from '../core/loopback.mjs';

const load = createRequire(import.meta.url);
const dynalite = load('dynalite');

/** dynalite's own list of the operations it serves; anything else is counted as `Unknown`. */
const OPERATIONS = [
  'BatchGetItem', 'BatchWriteItem', 'CreateTable', 'DeleteItem', 'DeleteTable', 'DescribeTable', 'DescribeTimeToLive', 'GetItem', 'ListTables',
  'PutItem', 'Query', 'Scan', 'TagResource', 'UntagResource', 'ListTagsOfResource', 'UpdateItem', 'UpdateTable', 'Unknown',
];

/**
 * DynamoDB returns the item that failed a condition when asked (`ReturnValuesOnConditionCheckFailure:
 * ALL_OLD`); dynalite does not. Powertools relies on it: without the item it reads the record in a
 * second call, and another execution can delete it in between (IdempotencyItemNotFoundError, an
 * empty cause). dynalite checks conditions under its per-key lock, so attaching the item it just
 * compared is exactly DynamoDB's answer.
 */
function returnItemOnConditionFailure() {
  const db = load('dynalite/db');
  // dynalite drops request members its validation does not list, so the parameter must be listed
  // too, or it never reaches the conditional check below.
  for (const action of ['putItem', 'updateItem', 'deleteItem']) {
    load(`dynalite/validations/${action}`).types.ReturnValuesOnConditionCheckFailure = { type: 'String', enum: ['ALL_OLD', 'NONE'] };
  }
  const check = db.checkConditional;
  db.checkConditional = (data, existing) => {
    const failure = check(data, existing);
    if (failure?.body && existing && data.ReturnValuesOnConditionCheckFailure === 'ALL_OLD') failure.body.Item = existing;
    return failure;
  };
}

/**
 * Call counts the main thread reads synchronously: [counting on?, then per operation: succeeded,
 * failed]. Counted when the status is written, so a client never sees an answer not yet counted.
 */
const counts = new Int32Array(new SharedArrayBuffer(4 * (1 + 2 * OPERATIONS.length)));

function countRequests(server) {
  server.prependListener('request', (req, res) => {
    if (!Atomics.load(counts, 0)) return;
    const name = String(req.headers['x-amz-target'] ?? '').split('.').pop();
    const index = OPERATIONS.includes(name) ? OPERATIONS.indexOf(name) : OPERATIONS.length - 1;
    const writeHead = res.writeHead;
    res.writeHead = function countedWriteHead(statusCode, ...rest) {
      Atomics.add(counts, 1 + 2 * index + (statusCode < 300 ? 0 : 1), 1);
      return writeHead.call(this, statusCode, ...rest);
    };
  });
}

/**
 * dynalite throws from a request's 'error' listener: a client that drops a request half sent (an
 * SDK timeout, a killed process, any program on a `local serve` port) would end this thread. DynamoDB
 * just forgets such a request. Anything else ends the thread, and dynamo.ts reports why.
 */
process.on('uncaughtException', (e) => {
  if (e?.code === 'ECONNRESET' || e?.message === 'aborted') return;
  parentPort.postMessage({ crashed: { message: e?.message ?? String(e), stack: e?.stack } });
  process.exit(1);
});

/**
 * dynalite answers any Host and any Origin (with CORS `*`) and reads any body: in front of it, the
 * loopback check every port of the twin makes, and the JSON APIs' size limit (`maxRequestBytes`,
 * from core/limits.ts). A request refused here never reaches dynalite, and is not counted.
 */
function guard(server, maxRequestBytes) {
  const handlers = server.listeners('request');
  server.removeAllListeners('request');
  const refuse = (req, res, status, type, message) => {
    res.shouldKeepAlive = false;
    req.resume();
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify({ __type: `com.amazon.coral.service#${type}`, message }));
  };
  server.on('request', (req, res) => {
    const foreign = foreignRequestReason(req);
    if (foreign) return refuse(req, res, 403, 'AccessDeniedException', `the twin's DynamoDB: ${foreign}`);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxRequestBytes) return refuse(req, res, 413, 'RequestEntityTooLargeException', `Request body of ${declared} bytes exceeds the twin's limit of ${maxRequestBytes} bytes`);
    if (req.headers['content-length'] === undefined) {
      let size = 0;
      req.on('data', (chunk) => {
        size += chunk.length;
        if (size > maxRequestBytes) req.destroy();
      });
    }
    for (const handle of handlers) handle.call(server, req, res);
  });
  server.on('checkContinue', (req, res) => {
    if (Number(req.headers['content-length'] ?? 0) <= maxRequestBytes) res.writeContinue();
    server.emit('request', req, res);
  });
}

returnItemOnConditionFailure();
const server = dynalite({ path: workerData.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
countRequests(server);
guard(server, workerData.maxRequestBytes);
server.once('error', (e) => parentPort.postMessage({ startFailed: { message: e.message, code: e.code } }));
server.listen(workerData.port ?? 0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port, operations: OPERATIONS, counts: counts.buffer }));
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  // dynalite's close() also closes the LevelDB store (releasing its lock for the next run).
  server.close((e) => parentPort.postMessage({ closed: true, error: e?.message }));
  server.closeAllConnections();
});
