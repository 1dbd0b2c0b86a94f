/**
 * A bare Remix 2.17 app (the classic template's root and index page, the same future flags as
 * ours) that the benchmarks build into tests/.tmp/bare-remix and serve with remix-serve beside our
 * app: the reference "a Remix page costs this much here, today".
 */
/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ["**/.*"],
  serverModuleFormat: "esm",
  cacheDirectory: "../../.tmp/bare-remix/.cache",
  serverBuildPath: "../../.tmp/bare-remix/build/index.js",
  assetsBuildDirectory: "../../.tmp/bare-remix/public/build",
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: true,
  },
};
