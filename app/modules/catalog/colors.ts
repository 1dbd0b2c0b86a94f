/** Black or white text, whichever reads better on a category colour (WCAG relative luminance). */
export function textColorOn(hex: string): "#ffffff" | "#111827" {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) return "#ffffff";
  const n = parseInt(m[1]!, 16);
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const L = 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
  // Contrast with white is 1.05/(L+0.05); with #111827 (L≈0.0116) it is (L+0.05)/0.0616.
  return 1.05 / (L + 0.05) >= (L + 0.05) / 0.0616 ? "#ffffff" : "#111827";
}
