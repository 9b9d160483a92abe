// scrolly embeds: include this script once on a page that shows scrolly charts in
// iframes, and each iframe takes the height its chart needs, at any width.
//
// An embed page posts {type: "scrolly-embed:height", chart, height} to this window; the
// iframe it came from (found by its window, so no other frame can resize it) gets that
// height, and is told {type: "scrolly-embed:host"}: from then on its height follows its
// content. Iframes with a data-scrolly-embed attribute that loaded before this script
// are told at once.
(function () {
  "use strict";
  if (window.scrollyEmbedHost) return;
  window.scrollyEmbedHost = true;
  var HOST = { type: "scrolly-embed:host" };
  var MAX_HEIGHT = 20000;

  function frameOf(source) {
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === source) return frames[i];
    }
    return null;
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "scrolly-embed:height" || !event.source) return;
    var frame = frameOf(event.source);
    var height = Number(data.height);
    if (!frame || !(height > 0 && height < MAX_HEIGHT)) return;
    frame.style.height = Math.ceil(height) + "px";
    event.source.postMessage(HOST, "*");
  });

  var known = document.querySelectorAll("iframe[data-scrolly-embed]");
  for (var i = 0; i < known.length; i++) {
    if (known[i].contentWindow) known[i].contentWindow.postMessage(HOST, "*");
  }
})();
