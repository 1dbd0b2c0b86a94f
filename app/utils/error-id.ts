import { createContext, useContext, useState } from "react";

/** The 错误编号 of the request being rendered (server side; see entry.server.tsx). */
export const ErrorIdContext = createContext<string | null>(null);

/**
 * The error number for the 500 page: from the server render, or on hydration from the number the
 * server wrote into the page. Null after a client-side navigation (the page offers a reload then).
 */
export function useErrorId() {
  const fromServer = useContext(ErrorIdContext);
  const [id] = useState(
    () =>
      fromServer ??
      (typeof document !== "undefined"
        ? (document.getElementById("error-id")?.textContent ?? null)
        : null),
  );
  return id;
}
