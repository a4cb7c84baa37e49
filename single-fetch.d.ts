// Single fetch (the v3_singleFetch flag) types: loader data keeps Dates and understands `data(...)`.
import "@remix-run/node";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}
