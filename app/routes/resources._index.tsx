/** The resource library for teachers, academy managers and district staff (HQ's is /hq/resources). */
export { action, default, loader, meta } from "./hq.resources._index";
