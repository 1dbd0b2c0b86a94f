export * from "./auth";
export * from "./org";
export * from "./catalog";
export * from "./scheduling";
export * from "./enrollment";
export * from "./community";
export * from "./ops";
export * from "./stats";
