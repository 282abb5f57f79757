/* Institutions map: an enhancement of the directory and institution pages.
 *
 * The page is complete without it (every entry has its address and "open in a map"
 * links). This script shows a "Show on a map" button; when the visitor presses it, it
 * loads Leaflet (its script and stylesheet, from this site) and turns a hidden container
 * into a map of the markers the page lists in a JSON data block. Until then neither
 * Leaflet nor the tile server is asked for anything. Settings come from data-
 * attributes: the tile server and its attribution (settings.MAP_TILE_URL /
 * MAP_TILE_ATTRIBUTION), Leaflet's and the marker images' hashed static names.
 */
(function () {
  "use strict";

  function readPoints(container) {
    var source = document.getElementById(container.dataset.points);
    if (!source) {
      return [];
    }
    try {
      return JSON.parse(source.textContent);
    } catch (error) {
      return [];
    }
  }

  function popupContent(point) {
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.name;
    return link;
  }

  function initMap(container) {
    var points = readPoints(container);
    if (!window.L || !points.length) {
      return;
    }
    container.hidden = false;
    var map = L.map(container, { scrollWheelZoom: false });
    L.tileLayer(container.dataset.tileUrl, {
      attribution: container.dataset.attribution,
      maxZoom: 19
    }).addTo(map);
    var icon = L.icon({
      iconUrl: container.dataset.iconUrl,
      iconRetinaUrl: container.dataset.iconRetinaUrl,
      shadowUrl: container.dataset.shadowUrl,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      shadowSize: [41, 41]
    });
    var bounds = [];
    points.forEach(function (point) {
      var position = [point.lat, point.lng];
      L.marker(position, { icon: icon, alt: point.name, title: point.name })
        .bindPopup(popupContent(point))
        .addTo(map);
      bounds.push(position);
    });
    if (bounds.length === 1) {
      map.setView(bounds[0], 15);
    } else {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
    }
  }

  var leafletLoading = null;

  function loadLeaflet(container) {
    if (window.L) {
      return Promise.resolve();
    }
    if (!leafletLoading) {
      leafletLoading = new Promise(function (resolve, reject) {
        var style = document.createElement("link");
        style.rel = "stylesheet";
        style.href = container.dataset.leafletCss;
        document.head.appendChild(style);
        var script = document.createElement("script");
        script.src = container.dataset.leafletJs;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return leafletLoading;
  }

  document.querySelectorAll("[data-map-button]").forEach(function (button) {
    var container = document.getElementById(button.dataset.mapButton);
    if (!container || !readPoints(container).length) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      loadLeaflet(container).then(function () {
        button.hidden = true;
        initMap(container);
        container.focus();
      }, function () {
        button.disabled = false;
      });
    });
  });
})();
