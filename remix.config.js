/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}"],
  serverModuleFormat: "esm",
  serverBuildPath: "build/server/index.js",
  // Our own server (Express), compiled with the app: `node build/server/index.js` serves.
  server: "app/server.ts",
  // Packages that ship ESM only must be bundled into the server build.
  serverDependenciesToBundle: [/^@tiptap\//, /^@oslojs\//],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: true,
  },
};
