import { notFound } from "~/utils/http";

export async function loader() {
  notFound();
}

export default function NotFound() {
  return null;
}
