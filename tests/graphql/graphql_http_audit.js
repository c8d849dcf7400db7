// The GraphQL-over-HTTP spec's server audit (graphql-http's auditServer) against one URL.
// Usage: NODE_PATH=<node_modules holding graphql-http> node graphql_http_audit.js <url>
// Prints one JSON array: {id, name, status, reason} per audit (status ok, notice, warn or error).
const { auditServer } = require("graphql-http");

auditServer({ url: process.argv[2] }).then(
  (results) => {
    const summary = results.map(({ id, name, status, reason }) => ({ id, name, status, reason }));
    process.stdout.write(JSON.stringify(summary));
  },
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
