// The local console page: hash routes (#/, #/execution/<arn>, #/catalog) over the console's JSON API.
// Everything it changes goes through POST /api/* — RedriveExecution, StartExecution, S3 PutObject.
import { catalogPage } from './catalog.js';
import { stopPolling } from './dom.js';
import { executionPage } from './execution.js';
import { executionsPage } from './executions.js';

window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'default' });
window.addEventListener('hashchange', route);
route();

function route() {
  stopPolling();
  const hash = location.hash.slice(1) || '/';
  if (hash.startsWith('/execution/')) return executionPage(decodeURIComponent(hash.slice('/execution/'.length)));
  if (hash === '/catalog') return catalogPage();
  return executionsPage();
}
