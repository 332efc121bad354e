// Types for the k6 jslib module the examples import by URL (k6 fetches it at run time).
declare module 'https://jslib.k6.io/k6-summary/0.1.0/index.js' {
  export function textSummary(data: object, options?: { indent?: string; enableColors?: boolean }): string;
}
