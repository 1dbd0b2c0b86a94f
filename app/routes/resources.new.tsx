/** Uploading for district staff and academy managers, for their own courses (HQ: /hq/resources/new). */
export { action, default, loader, meta } from "./hq.resources.new";
