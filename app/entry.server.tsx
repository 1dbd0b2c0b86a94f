import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext, HandleDataRequestFunction } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { logError, requestContext } from "~/utils/log.server";
import { ErrorIdContext } from "~/utils/error-id";
import { NonceContext } from "~/utils/nonce";
import { freshNonce } from "~/utils/random.server";
import { privateNoStore, securityHeaders } from "~/utils/security.server";
import {
  CACHE_CHECKED_HEADER,
  CACHE_SIGNED_IN_HEADER,
  CACHE_TOPICS_HEADER,
  NONCE_PLACEHOLDER,
  pageCheckedTopics,
  pageTopics,
  signedInCacheable,
} from "~/utils/html-cache.server";

const ABORT_DELAY = 5_000;

export const handleDataRequest: HandleDataRequestFunction = (response, { request }) => {
  securityHeaders(response.headers, null);
  privateNoStore(request, response.headers);
  return response;
};

/** Unexpected errors get a 错误编号 in the log; the 500 page shows the same number. */
export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  logError(error);
}

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  // The HTML cache (utils/html-cache.server.ts) passes a placeholder it replaces in every response.
  const nonce = (loadContext as { cspNonce?: string } | undefined)?.cspNonce ?? freshNonce();
  const bot = isbot(request.headers.get("user-agent") || "");
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    // Cleared once everything is rendered: left running, every response would keep its whole
    // render (and a timer) alive for ABORT_DELAY after it was sent.
    let abortTimer: ReturnType<typeof setTimeout> | undefined = undefined;
    let done = false;
    const settled = () => {
      done = true;
      clearTimeout(abortTimer);
    };
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <ErrorIdContext.Provider value={requestContext()?.errorId ?? null}>
          <RemixServer
            context={remixContext}
            url={request.url}
            abortDelay={ABORT_DELAY}
            nonce={nonce}
          />
        </ErrorIdContext.Provider>
      </NonceContext.Provider>,
      {
        nonce,
        ...(bot ? {} : { onAllReady: settled }),
        [bot ? "onAllReady" : "onShellReady"]() {
          if (bot) settled();
          shellRendered = true;
          const body = new PassThrough();
          const stream = createReadableStreamFromReadable(body);
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          securityHeaders(responseHeaders, nonce);
          privateNoStore(request, responseHeaders);
          // For the HTML cache only (it removes the header): what the page's loaders read.
          if (nonce === NONCE_PLACEHOLDER) {
            const matches = remixContext.staticHandlerContext.matches;
            responseHeaders.set(CACHE_TOPICS_HEADER, pageTopics(matches));
            const checked = pageCheckedTopics(matches);
            if (checked) responseHeaders.set(CACHE_CHECKED_HEADER, checked);
            const until = requestContext()?.sessionExpiresAt;
            if (until && signedInCacheable(matches))
              responseHeaders.set(CACHE_SIGNED_IN_HEADER, String(until));
          }
          resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          settled();
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) logError(error);
        },
      },
    );
    if (!done) abortTimer = setTimeout(abort, ABORT_DELAY);
  });
}
