/**
 * The notifications' icon (#14). Chrome loads a notification's `iconUrl`
 * into a canvas on the worker's thread for every notification it creates;
 * from an extension file that is a fetch each time. As a `data:` URL of an
 * icon at the size Chrome shows (80 px, not 128), creating one took about
 * half as long in the bench (alert → notification). The file is read once
 * (`load`, at start); until then, or if that read fails, the file's URL is
 * used as before.
 */
export interface NotificationIcon {
  /** The icon to use now. */
  url(): string;
  /** Reads the file into a `data:` URL; never rejects. */
  load(): Promise<void>;
}

export function createNotificationIcon(
  fileUrl: string,
  fetchFile: (url: string) => Promise<Response> = (url) => fetch(url),
): NotificationIcon {
  let current = fileUrl;
  return {
    url: () => current,
    async load() {
      try {
        const response = await fetchFile(fileUrl);
        if (!response.ok) return;
        const bytes = new Uint8Array(await response.arrayBuffer());
        let binary = '';
        for (const byte of bytes) binary += String.fromCharCode(byte);
        current = `data:image/png;base64,${btoa(binary)}`;
      } catch {
        // The file's URL still works; only slower.
      }
    },
  };
}
