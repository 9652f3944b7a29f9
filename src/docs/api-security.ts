/** Name of the Basic-auth security scheme in the OpenAPI document, as the interface calls it. */
export const BASIC_AUTH = 'httpBasic';
