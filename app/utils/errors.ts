/** A rule the person broke: shown to them in Chinese, next to `field` when given. */
export class UserError extends Error {
  constructor(
    message: string,
    public field?: string,
  ) {
    super(message);
    this.name = "UserError";
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
