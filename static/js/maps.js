/* Maps: an enhancement of the directories and the profile pages.
 *
 * The pages are complete without it: the lists name every record, with their
 * addresses, "open in a map" links and the count of those a map leaves out. This
 * script shows a "Show on a map" button; when the visitor presses it, it loads Leaflet
 * (and, for a directory, its clustering plugin), from this site, and turns a hidden
 * container into a map. Until then neither Leaflet nor the tile server is asked for
 * anything. A container reads its points from a GeoJSON address (data-geojson: a
 * directory's map.geojson with the list's filters; features with `n` name, `u` page,
 * and for cities `f` creative field) or from a JSON block on the page (data-points).
 * Settings come from data- attributes: the tile server and its attribution
 * (settings.MAP_TILE_URL / MAP_TILE_ATTRIBUTION), the files' hashed static names, the
 * texts in the page's language.
 *
 * "Nearest to me" ([data-near-me]) asks the browser for the visitor's location only
 * when pressed, and sorts the map's features by distance here, in the browser: the
 * GeoJSON is fetched without the location, and nothing else is sent.
 */
(function () {
  "use strict";

  var loaded = {};

  function loadFile(url, isStyle) {
    if (!loaded[url]) {
      loaded[url] = new Promise(function (resolve, reject) {
        var element;
        if (isStyle) {
          element = document.createElement("link");
          element.rel = "stylesheet";
          element.href = url;
        } else {
          element = document.createElement("script");
          element.src = url;
        }
        element.onload = resolve;
        element.onerror = reject;
        document.head.appendChild(element);
      });
    }
    return loaded[url];
  }

  function loadLibraries(container) {
    var data = container.dataset;
    var styles = [loadFile(data.leafletCss, true)];
    return loadFile(data.leafletJs).then(function () {
      if (!data.clusterJs) {
        return Promise.all(styles);
      }
      styles.push(loadFile(data.clusterCss, true));
      return Promise.all([loadFile(data.clusterJs)].concat(styles));
    });
  }

  // The container's features, read once: from its GeoJSON address, or from the
  // page's JSON block ({name, url, lat, lng} points).
  function readFeatures(container) {
    if (!container.featuresRead) {
      var address = container.dataset.geojson;
      if (address) {
        container.featuresRead = fetch(address, {
          credentials: "same-origin",
          headers: { Accept: "application/geo+json" }
        }).then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.json();
        }).then(function (data) {
          return (data.features || []).filter(function (feature) {
            return feature.geometry && feature.geometry.coordinates;
          });
        });
      } else {
        var points = [];
        var source = document.getElementById(container.dataset.points);
        try {
          points = source ? JSON.parse(source.textContent) : [];
        } catch (error) {
          points = [];
        }
        container.featuresRead = Promise.resolve(points.map(function (point) {
          return {
            type: "Feature",
            geometry: { type: "Point", coordinates: [point.lng, point.lat] },
            properties: { n: point.name, u: point.url }
          };
        }));
      }
      container.featuresRead.catch(function () {
        container.featuresRead = null; // asked again on the next press
      });
    }
    return container.featuresRead;
  }

  function popupContent(feature, fieldLabel) {
    var wrapper = document.createElement("div");
    var link = document.createElement("a");
    link.href = feature.properties.u;
    link.textContent = feature.properties.n;
    wrapper.appendChild(link);
    if (fieldLabel) {
      var field = document.createElement("div");
      field.textContent = fieldLabel;
      wrapper.appendChild(field);
    }
    return wrapper;
  }

  // A legend entry ([data-field]) gives a field's symbol (its SVG) and its name.
  function symbolsOf(container) {
    var legend = document.getElementById(container.dataset.symbols || "");
    var symbols = {};
    if (legend) {
      legend.querySelectorAll("[data-field]").forEach(function (entry) {
        var svg = entry.querySelector("svg");
        symbols[entry.dataset.field] = {
          html: svg ? svg.outerHTML : "",
          label: entry.textContent.trim()
        };
      });
    }
    return symbols;
  }

  function clusterIcon(label) {
    return function (cluster) {
      var count = cluster.getChildCount();
      var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
      var html = document.createElement("div");
      var shown = document.createElement("span");
      shown.setAttribute("aria-hidden", "true");
      shown.textContent = count;
      var spoken = document.createElement("span");
      spoken.className = "visually-hidden";
      spoken.textContent = label.replace("{count}", count);
      html.appendChild(shown);
      html.appendChild(spoken);
      return L.divIcon({
        html: html.innerHTML,
        className: "map-cluster map-cluster--" + size,
        iconSize: L.point(40, 40)
      });
    };
  }

  function drawMap(container, features) {
    var data = container.dataset;
    container.hidden = false;
    document.querySelectorAll("[data-map-extra='" + container.id + "']").forEach(function (extra) {
      extra.hidden = false;
    });
    var map = L.map(container, { scrollWheelZoom: false, worldCopyJump: true });
    L.tileLayer(data.tileUrl, { attribution: data.attribution, maxZoom: 19 }).addTo(map);
    var icon = L.icon({
      iconUrl: data.iconUrl,
      iconRetinaUrl: data.iconRetinaUrl,
      shadowUrl: data.shadowUrl,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      shadowSize: [41, 41]
    });
    var symbols = data.symbols ? symbolsOf(container) : null;
    var layer = data.clusterJs && L.markerClusterGroup
      ? L.markerClusterGroup({
          iconCreateFunction: clusterIcon(data.clusterLabel || "{count}"),
          showCoverageOnHover: false,
          maxClusterRadius: 50
        })
      : L.featureGroup();
    var markers = {};
    var bounds = [];
    features.forEach(function (feature) {
      var position = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
      var name = feature.properties.n;
      var symbol = symbols && symbols[feature.properties.f];
      var options = { icon: icon, alt: name, title: name };
      if (symbol) {
        options.title = name + " — " + symbol.label;
        options.icon = L.divIcon({
          html: symbol.html,
          className: "map-symbol",
          iconSize: [22, 22],
          popupAnchor: [0, -8]
        });
      }
      var marker = L.marker(position, options)
        .bindPopup(popupContent(feature, symbol && symbol.label));
      layer.addLayer(marker);
      markers[feature.properties.u] = marker;
      bounds.push(position);
    });
    layer.addTo(map);
    if (bounds.length === 1) {
      map.setView(bounds[0], Number(data.zoom) || 15);
    } else if (bounds.length) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
    } else {
      map.setView([20, 0], 1);
    }
    container.map = { map: map, layer: layer, markers: markers };
    container.dataset.features = String(features.length);
    return container.map;
  }

  function showMap(container) {
    return Promise.all([loadLibraries(container), readFeatures(container)]).then(
      function (results) {
        return container.map || drawMap(container, results[1]);
      }
    );
  }

  document.querySelectorAll("[data-map-button]").forEach(function (button) {
    var container = document.getElementById(button.dataset.mapButton);
    if (!container) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      showMap(container).then(function () {
        button.hidden = true;
        container.focus();
      }, function () {
        button.disabled = false;
      });
    });
  });

  // Nearest to me ---------------------------------------------------------------

  var EARTH_KM = 6371;

  function distanceKm(from, to) {
    var rad = Math.PI / 180;
    var dLat = (to[0] - from[0]) * rad;
    var dLng = (to[1] - from[1]) * rad;
    var a = Math.pow(Math.sin(dLat / 2), 2) +
      Math.cos(from[0] * rad) * Math.cos(to[0] * rad) * Math.pow(Math.sin(dLng / 2), 2);
    return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  function formatKm(km) {
    var lang = document.documentElement.lang || undefined;
    try {
      return new Intl.NumberFormat(lang, {
        style: "unit",
        unit: "kilometer",
        maximumFractionDigits: km < 10 ? 1 : 0
      }).format(km);
    } catch (error) {
      return (Math.round(km * 10) / 10) + " km";
    }
  }

  var NEAREST_SHOWN = 5;

  function listNearest(box, here, features) {
    var list = box.querySelector("[data-near-me-list]");
    var nearest = features.map(function (feature) {
      var position = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
      return { feature: feature, position: position, km: distanceKm(here, position) };
    }).sort(function (a, b) {
      return a.km - b.km;
    }).slice(0, NEAREST_SHOWN);
    list.textContent = "";
    nearest.forEach(function (entry) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = entry.feature.properties.u;
      link.textContent = entry.feature.properties.n;
      item.appendChild(link);
      item.appendChild(document.createTextNode(" · " + formatKm(entry.km)));
      list.appendChild(item);
    });
    list.hidden = !nearest.length;
    return nearest;
  }

  function highlightOnMap(container, here, nearest) {
    var drawn = container.map;
    if (!drawn || !nearest.length) {
      return;
    }
    if (drawn.here) {
      drawn.here.setLatLng(here);
    } else {
      drawn.here = L.circleMarker(here, {
        radius: 8, color: "#1a56db", weight: 3, fillColor: "#ffffff", fillOpacity: 1,
        interactive: false
      }).addTo(drawn.map);
    }
    drawn.map.fitBounds(
      [here].concat(nearest.map(function (entry) { return entry.position; })),
      { padding: [32, 32], maxZoom: 15 }
    );
    var first = drawn.markers[nearest[0].feature.properties.u];
    if (first && drawn.layer.zoomToShowLayer) {
      drawn.layer.zoomToShowLayer(first, function () { first.openPopup(); });
    } else if (first) {
      first.openPopup();
    }
  }

  document.querySelectorAll("[data-near-me]").forEach(function (box) {
    var container = document.getElementById(box.dataset.nearMe);
    if (!container || !navigator.geolocation) {
      return;
    }
    var button = box.querySelector("button");
    var status = box.querySelector("[data-near-me-status]");
    box.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      status.textContent = box.dataset.locating;
      navigator.geolocation.getCurrentPosition(function (position) {
        // Kept in this page only: never put in an address, a request or storage.
        var here = [position.coords.latitude, position.coords.longitude];
        readFeatures(container).then(function (features) {
          button.disabled = false;
          if (!features.length) {
            status.textContent = box.dataset.none;
            return;
          }
          status.textContent = box.dataset.found;
          highlightOnMap(container, here, listNearest(box, here, features));
        }, function () {
          button.disabled = false;
          status.textContent = box.dataset.failed;
        });
      }, function (error) {
        button.disabled = false;
        status.textContent = error.code === error.PERMISSION_DENIED
          ? box.dataset.denied
          : box.dataset.failed;
      }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
    });
  });
})();
