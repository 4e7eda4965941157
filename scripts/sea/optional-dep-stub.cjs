// Stands in for optional native add-ons (ws's bufferutil/utf-8-validate) in the single executable.
// A SEA's require() loads built-ins only and warns on stderr for anything else; throwing the same
// error as a missing package makes the caller take its pure-JS fallback silently.
const error = new Error('optional dependency not bundled into the kubectl-kfstore executable');
error.code = 'MODULE_NOT_FOUND';
throw error;
