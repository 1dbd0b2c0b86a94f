import QRCode from "qrcode";

/** An inline SVG QR code for a URL (for printed menus: scan to open the academy's page). */
export async function qrSvg(url: string) {
  return QRCode.toString(url, {
    type: "svg",
    margin: 1,
    errorCorrectionLevel: "M",
    color: { dark: "#000000", light: "#ffffff" },
  });
}

/** The public origin for links printed on paper: PUBLIC_URL when set, else the request's own. */
export { publicOrigin } from "~/utils/origin.server";
