/**
 * React 18's streaming renderer encodes HTML into 2 KiB views; when a Chinese character (3 bytes
 * in UTF-8) did not fit at a view's end, it sent the whole view, unwritten bytes and all: pages
 * carried stray NUL characters ("社区\0\0书院" on /courses). Fixed upstream after 18.3.1
 * (facebook/react#26228); app/patches/react-dom+18.3.1.patch sends only the bytes written.
 */
import { Writable } from "node:stream";
import { createElement } from "react";
import { renderToPipeableStream } from "react-dom/server";

function streamed(element: ReturnType<typeof createElement>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(Buffer.from(chunk));
        done();
      },
      final(done) {
        resolve(Buffer.concat(chunks));
        done();
      },
    });
    const { pipe } = renderToPipeableStream(element, {
      onAllReady: () => pipe(sink),
      onError: reject,
    });
  });
}

describe("streamed HTML with Chinese text", () => {
  it("holds no NUL byte across the renderer's 2 KiB views, and every text whole", async () => {
    // Items of varying length, so that the views' ends fall inside characters.
    const items = Array.from({ length: 600 }, (_, i) => `第${i}项：社区书院${"课".repeat(i % 7)}`);
    const html = await streamed(
      createElement(
        "ul",
        null,
        items.map((t) => createElement("li", { key: t }, t)),
      ),
    );
    expect(html.length).toBeGreaterThan(10 * 2048);
    expect(html.indexOf(0)).toBe(-1);
    const text = html.toString("utf8");
    expect(text).not.toContain("\uFFFD");
    for (const t of items) expect(text).toContain(`<li>${t}</li>`);
  });
});
