// The optional media area of the display: a slideshow of images and local videos, in order,
// looping. Without configured media the server-rendered office panel stays in place.
//
// One <img> and one <video> element are reused for every item and a single timer drives the
// slides, so the area can run for days. A video is muted while an announcement plays (`duck`).

const VIDEO = /\.(mp4|webm|ogv|m4v)(\?.*)?$/i;

export class MediaArea {
  /**
   * @param {HTMLElement} root - the media section; its children are replaced only when media exist
   * @param {string[]} urls - image and video URLs (served by this server: the page's CSP is 'self')
   * @param {number} slideSeconds - how long each image stays
   */
  constructor(root, urls, slideSeconds) {
    this.root = root;
    this.urls = Array.isArray(urls) ? urls.filter((url) => typeof url === "string" && url) : [];
    this.slideMs = Math.max(3, Number(slideSeconds) || 10) * 1000;
    this.index = -1;
    this.timer = null;
    this.ducked = false;
    this.failures = 0;
  }

  /** New media from the server (the admin changed them): restart the slideshow when they differ. */
  update(urls, slideSeconds) {
    const list = Array.isArray(urls) ? urls.filter((url) => typeof url === "string" && url) : [];
    const slideMs = Math.max(3, Number(slideSeconds) || 10) * 1000;
    if (list.join("\n") === this.urls.join("\n") && slideMs === this.slideMs) return;
    clearTimeout(this.timer);
    this.urls = list;
    this.slideMs = slideMs;
    this.index = -1;
    this.failures = 0;
    if (list.length === 0) {
      if (this.video) this.video.pause();
      if (this.panel) this.root.replaceChildren(this.panel);
      this.root.dataset.mode = "panel";
      return;
    }
    if (this.image && this.root.contains(this.image)) this.next();
    else this.start();
  }

  start() {
    if (this.urls.length === 0) return;
    this.panel = this.panel || this.root.firstElementChild; // the office panel, for when media are removed
    this.image = this.image || document.createElement("img");
    this.image.className = "media-image";
    this.image.alt = "";
    this.video = this.video || document.createElement("video");
    this.video.className = "media-video";
    this.video.playsInline = true;
    this.video.preload = "auto";
    this.image.onload = () => {
      this.failures = 0;
    };
    this.image.onerror = () => this._failed();
    this.video.onended = () => this.next();
    this.video.onerror = () => this._failed();
    this.root.replaceChildren(this.image, this.video);
    this.root.dataset.mode = "media";
    this.next();
  }

  /** Mute a playing video while an announcement plays, and give its sound back afterwards. */
  duck(active) {
    this.ducked = active;
    if (this.video) this.video.muted = active || this.video.dataset.forcedMute === "true";
  }

  /** The page was clicked: a video muted only because of the autoplay policy gets its sound. */
  soundAllowed() {
    if (!this.video) return;
    delete this.video.dataset.forcedMute;
    this.video.muted = this.ducked;
  }

  next() {
    clearTimeout(this.timer);
    this.index = (this.index + 1) % this.urls.length;
    const url = this.urls[this.index];
    if (VIDEO.test(url)) this._showVideo(url);
    else this._showImage(url);
  }

  _showImage(url) {
    this.video.pause();
    this.video.hidden = true;
    this.image.hidden = false;
    this.image.src = url;
    if (this.urls.length > 1) this.timer = setTimeout(() => this.next(), this.slideMs);
  }

  _showVideo(url) {
    this.image.hidden = true;
    this.video.hidden = false;
    this.video.loop = this.urls.length === 1;
    this.video.src = url;
    this.video.muted = this.ducked;
    this.video.play().then(
      () => {
        this.failures = 0;
      },
      (error) => {
        if (error && error.name === "NotAllowedError") {
          // Sound not allowed yet: play the video muted rather than not at all.
          this.video.dataset.forcedMute = "true";
          this.video.muted = true;
          this.video.play().catch(() => this._failed());
        }
      },
    );
  }

  _failed() {
    // A missing file is skipped; when every file fails, retry slowly instead of spinning.
    this.failures += 1;
    clearTimeout(this.timer);
    const delay = this.failures >= this.urls.length ? 60000 : 0;
    this.timer = setTimeout(() => this.next(), delay);
  }
}
