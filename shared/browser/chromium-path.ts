/** Where Debian's `chromium` package puts the browser (README "Requirements"; the browser service's image installs the same package). */
export const defaultChromiumPath = '/usr/bin/chromium';
