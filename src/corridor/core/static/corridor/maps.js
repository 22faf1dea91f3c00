// Corridor maps: ECharts maps from <script type="application/json"> blocks over offline GeoJSON
// (served from node_modules under /static/vendor/...), with drill-down and region events.
// Data contract: docs/maps.md. Load after echarts.min.js; no build step.
(function () {
  "use strict";

  var geoRequests = {}; // url -> Promise of the parsed GeoJSON
  var registered = {}; // map name -> {byName, byCode} feature-property indexes

  function text(el, name, fallback) {
    return (el.dataset && el.dataset[name]) || fallback;
  }

  function clone(value) {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }

  function fetchGeo(url) {
    if (!geoRequests[url]) {
      geoRequests[url] = fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status + " " + url);
        return response.json();
      });
      // a failed load may be retried later (e.g. after a deploy); keep only successes
      geoRequests[url].catch(function () { delete geoRequests[url]; });
    }
    return geoRequests[url];
  }

  // GB/T 2260 level of a 6-digit code, as in corridor/engine/geo.py
  function levelOfCode(code) {
    code = String(code || "");
    if (!/^\d{6}$/.test(code)) return "";
    if (code === "100000") return "country";
    if (code.slice(2) === "0000") return "province";
    if (code.slice(4) === "00") return "city";
    return "county";
  }

  // DataV features say province/city/district; the project says county for the last.
  function levelOf(props) {
    var level = props && props.level;
    if (level === "district") return "county";
    return level || levelOfCode(props && props.adcode);
  }

  // Register the map once per name; resolve with indexes of its features' properties.
  function registerGeo(geo) {
    if (!geo || !geo.name || !geo.url) return Promise.reject(new Error("option.__geo needs name and url"));
    if (registered[geo.name]) return Promise.resolve(registered[geo.name]);
    return fetchGeo(geo.url).then(function (geojson) {
      var features = (geojson && geojson.features) || [];
      if (geo.only && geo.only.length) {
        var keep = {};
        geo.only.forEach(function (code) { keep[String(code)] = true; });
        features = features.filter(function (f) { return f.properties && keep[String(f.properties.adcode)]; });
      }
      if (!features.length) throw new Error("no features in " + geo.url);
      var nameProperty = geo.nameProperty || "name";
      var index = { byName: {}, byCode: {}, count: features.length };
      features.forEach(function (f) {
        var p = f.properties || {};
        // ECharts matches data names to region names exactly: DataV's numeric adcodes become
        // strings, as the data's names are
        if (p[nameProperty] !== undefined && p[nameProperty] !== null) p[nameProperty] = String(p[nameProperty]);
        index.byName[p[nameProperty]] = p;
        if (p.adcode !== undefined && p.adcode !== null) index.byCode[String(p.adcode)] = p;
      });
      window.echarts.registerMap(geo.name, { type: "FeatureCollection", features: features });
      registered[geo.name] = index;
      return index;
    });
  }

  function forEachObject(value, fn) {
    if (Array.isArray(value)) value.forEach(fn);
    else if (value && typeof value === "object") fn(value);
  }

  function lang() {
    return (document.documentElement && document.documentElement.lang) || "zh-CN";
  }

  // 12,345 / 1,234.5: thousands separators in the page's language, `digits` decimals at most
  function formatNumber(value, digits) {
    if (typeof value !== "number" || !isFinite(value)) return value === undefined || value === null ? "—" : String(value);
    var d = digits === undefined ? (Math.abs(value) < 10 && value % 1 ? 2 : 0) : digits;
    try {
      return value.toLocaleString(lang(), { maximumFractionDigits: d, minimumFractionDigits: 0 });
    } catch (e) {
      return value.toFixed(d);
    }
  }

  function scalar(value, dimension) {
    if (Array.isArray(value)) value = value[dimension || 0];
    return typeof value === "number" && isFinite(value) ? value : null;
  }

  // The ECharts option for one level: fill in map names, join data to features by adcode,
  // pick the metric, size points, give visualMap a range and a default tooltip.
  function prepare(raw, index, metric) {
    var geo = raw.__geo;
    var nameProperty = geo.nameProperty || "name";
    // regions named by a code (nameProperty "adcode") still show the feature's name
    function regionName(name) {
      var props = index.byName[name];
      return (props && props.name) || name || "";
    }
    function nameLabels(target) {
      if (nameProperty === "name") return;
      target.label = target.label || {};
      if (!target.label.formatter) target.label.formatter = function (p) { return regionName(p.name); };
      target.emphasis = target.emphasis || {};
      target.emphasis.label = target.emphasis.label || {};
      if (!target.emphasis.label.formatter) target.emphasis.label.formatter = function (p) { return regionName(p.name); };
    }
    var option = {};
    Object.keys(raw).forEach(function (key) { if (key.slice(0, 2) !== "__") option[key] = clone(raw[key]); });
    var dimension = metric ? metric.dimension || 0 : 0;
    var range = null;
    forEachObject(option.geo, function (g) {
      if (!g.map || g.map === "__map__") g.map = geo.name;
      if (!g.nameProperty && geo.nameProperty) g.nameProperty = geo.nameProperty;
      nameLabels(g);
    });
    forEachObject(option.series, function (series) {
      if (series.type === "map") {
        if (!series.map || series.map === "__map__") series.map = geo.name;
        if (!series.nameProperty && geo.nameProperty) series.nameProperty = geo.nameProperty;
        nameLabels(series);
        series.data = (series.data || []).map(function (item) {
          if (item === null || typeof item !== "object") return null;
          var props = item.adcode !== undefined ? index.byCode[String(item.adcode)] : index.byName[item.name];
          if (!props) return null; // not on this map (another level's region): leave it out
          item.name = String(props[nameProperty]);
          item.adcode = String(props.adcode);
          item.regionName = props.name;
          if (Array.isArray(item.value)) item.values = item.value;
          item.value = scalar(item.values || item.value, dimension);
          if (item.value !== null) {
            range = range || [item.value, item.value];
            range[0] = Math.min(range[0], item.value);
            range[1] = Math.max(range[1], item.value);
          }
          return item;
        }).filter(Boolean);
      }
      if (series.__sizeBy) {
        var by = series.__sizeBy, dim = by.dimension === undefined ? 2 : by.dimension;
        var lo = by.min === undefined ? 4 : by.min, hi = by.max === undefined ? 18 : by.max;
        var top = 0;
        (series.data || []).forEach(function (d) { top = Math.max(top, scalar(d && (d.value || d), dim) || 0); });
        series.symbolSize = function (value) {
          var v = scalar(value, dim) || 0;
          return top > 0 ? lo + (hi - lo) * Math.sqrt(v / top) : lo;
        };
        delete series.__sizeBy;
      }
    });
    forEachObject(option.visualMap, function (vm) {
      if (vm.min === undefined) vm.min = 0;
      if (vm.max === undefined) vm.max = range && range[1] > vm.min ? range[1] : vm.min + 1;
      if (metric && metric.label && !vm.text) vm.text = [metric.label, ""];
      if (!vm.formatter) {
        var digits = metric && metric.digits !== undefined ? metric.digits : undefined;
        vm.formatter = function (value) { return formatNumber(value, digits); };
      }
    });
    if (option.tooltip === undefined) option.tooltip = { trigger: "item" };
    if (option.tooltip && !option.tooltip.formatter) {
      var metrics = raw.__metrics || [];
      option.tooltip.formatter = function (params) {
        var enc = window.echarts.format.encodeHTML;
        var data = params.data || {};
        var isRegion = params.seriesType === "map" || params.componentType === "geo";
        var lines = [enc(isRegion ? data.regionName || regionName(params.name) : params.name || "")];
        if (isRegion) {
          if (metrics.length && data.values) {
            metrics.forEach(function (m) {
              lines.push(enc(m.label) + ": " + enc(formatNumber(data.values[m.dimension || 0], m.digits)));
            });
          } else if (data.value !== undefined && data.value !== null) {
            lines.push(enc(formatNumber(data.value)));
          } else if (metrics.length) {
            metrics.forEach(function (m) { lines.push(enc(m.label) + ": 0"); });
          }
        } else {
          if (params.seriesName && params.seriesType === "scatter") lines.push(enc(params.seriesName));
          if (data.label) lines.push(enc(String(data.label)));
        }
        return lines.join("<br>");
      };
    }
    return option;
  }

  function MapView(el, option) {
    this.el = el;
    this.stack = []; // parent options while drilled down
    this.metric = typeof option.__metric === "number" ? option.__metric : 0;
    el.classList.add("corridor-map");
    if (window.getComputedStyle(el).position === "static") el.style.position = "relative";
    this.canvas = document.createElement("div");
    this.canvas.style.cssText = "position:absolute;inset:0;";
    this.bar = document.createElement("div");
    this.bar.className = "corridor-map-bar";
    this.bar.style.cssText = "position:absolute;top:6px;left:6px;z-index:2;display:flex;gap:6px;align-items:center;font-size:13px;";
    this.tools = document.createElement("div");
    this.tools.className = "corridor-map-tools";
    this.tools.style.cssText = "position:absolute;top:6px;right:6px;z-index:2;display:flex;gap:4px;font-size:13px;";
    el.appendChild(this.canvas);
    el.appendChild(this.bar);
    el.appendChild(this.tools);
    this.chart = window.echarts.init(this.canvas, null, { renderer: "canvas" });
    this.chart.on("click", this.onClick.bind(this));
    this.resize = this.chart.resize.bind(this.chart);
    window.addEventListener("resize", this.resize);
    this.show(option);
  }

  MapView.prototype.show = function (option, parent) {
    var self = this;
    self.busy = true;
    return registerGeo(option.__geo).then(function (index) {
      if (parent) self.stack.push(parent);
      self.current = option;
      self.index = index;
      self.render();
      self.clearMessage();
      self.busy = false;
    }, function (err) {
      self.busy = false;
      if (window.console) window.console.warn("corridor map:", err);
      var msg = text(self.el, "mapMissing", "无法加载地图边界") + " (" + ((option.__geo && (option.__geo.label || option.__geo.name)) || "?") + ")";
      self.message(msg, !!(parent || self.current));
      if (!self.current) self.chart.clear();
    });
  };

  MapView.prototype.render = function () {
    var option = this.current;
    var metrics = option.__metrics || [];
    if (this.metric >= metrics.length) this.metric = 0;
    this.chart.setOption(prepare(option, this.index, metrics[this.metric]), true);
    this.renderBar();
    this.renderTools(metrics);
  };

  MapView.prototype.renderBar = function () {
    var self = this;
    self.bar.innerHTML = "";
    if (!self.stack.length) return;
    var back = document.createElement("button");
    back.type = "button";
    back.className = "corridor-map-back";
    back.textContent = "‹ " + text(self.el, "mapBack", "返回");
    back.addEventListener("click", function () { self.back(); });
    self.bar.appendChild(back);
    var trail = document.createElement("span");
    trail.className = "corridor-map-trail";
    trail.textContent = self.stack.concat([self.current]).map(function (o) {
      return o.__geo.label || o.__geo.name;
    }).join(" › ");
    self.bar.appendChild(trail);
  };

  MapView.prototype.renderTools = function (metrics) {
    var self = this;
    self.tools.innerHTML = "";
    if (metrics.length < 2) return;
    metrics.forEach(function (m, i) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = m.label;
      b.setAttribute("aria-pressed", i === self.metric ? "true" : "false");
      if (i === self.metric) b.style.fontWeight = "bold";
      b.addEventListener("click", function () { self.metric = i; self.render(); });
      self.tools.appendChild(b);
    });
  };

  MapView.prototype.back = function () {
    if (!this.stack.length) return;
    var parent = this.stack.pop();
    var self = this;
    registerGeo(parent.__geo).then(function (index) {
      self.current = parent;
      self.index = index;
      self.render();
      self.clearMessage();
      var level = self.levelDetail();
      self.filterList(level.depth ? level.map : "", level.label);
      self.el.dispatchEvent(new CustomEvent("corridor:map-level", { bubbles: true, detail: level }));
    });
  };

  // data-map-filter="#list": show only the rows whose data-region (space-separated adcodes of
  // their province, city, county) holds the region; [data-region-name]/[data-region-count] inside
  // the list follow. An empty code shows every row.
  MapView.prototype.filterList = function (code, label) {
    var selector = this.el.dataset.mapFilter;
    var box = selector && document.querySelector(selector);
    if (!box) return;
    var shown = 0;
    Array.prototype.forEach.call(box.querySelectorAll("[data-region]"), function (row) {
      var match = !code || (" " + row.dataset.region + " ").indexOf(" " + code + " ") >= 0;
      row.style.display = match ? "" : "none";
      if (match) shown++;
    });
    var name = box.querySelector("[data-region-name]");
    if (name) {
      if (name.dataset.all === undefined) name.dataset.all = name.textContent;
      name.textContent = code ? label || code : name.dataset.all;
    }
    var count = box.querySelector("[data-region-count]");
    if (count) count.textContent = formatNumber(shown, 0);
  };

  MapView.prototype.levelDetail = function () {
    var geo = this.current.__geo;
    return { map: geo.name, label: geo.label || geo.name, depth: this.stack.length };
  };

  // The option for a child entry {name, url, label?, option?, optionUrl?, children?}.
  MapView.prototype.childOption = function (entry, props) {
    var current = this.current;
    function finish(option) {
      option = option || {};
      option.__geo = option.__geo || {
        name: entry.name || String(props.adcode),
        url: entry.url,
        label: entry.label || props.name,
        nameProperty: current.__geo.nameProperty
      };
      if (!option.__geo.label) option.__geo.label = entry.label || props.name;
      if (entry.children && !option.__children) option.__children = entry.children;
      return option;
    }
    if (entry.optionUrl) return fetchGeo(entry.optionUrl).then(function (o) { return finish(clone(o)); });
    if (entry.option) return Promise.resolve(finish(clone(entry.option)));
    // Same option one level down: its data may hold every level's regions (joined by adcode).
    var option = clone(current);
    delete option.__geo;
    delete option.__children;
    return Promise.resolve(finish(option));
  };

  MapView.prototype.onClick = function (params) {
    var el = this.el;
    var isRegion = params.componentType === "geo" || params.seriesType === "map";
    if (!isRegion) {
      var point = params.data || {};
      el.dispatchEvent(new CustomEvent("corridor:point", {
        bubbles: true,
        detail: { id: point.id, name: params.name, data: point, series: params.seriesName }
      }));
      return;
    }
    var props = this.index.byName[params.name] || {};
    var adcode = props.adcode !== undefined ? String(props.adcode) : (params.data && params.data.adcode) || "";
    var detail = {
      adcode: adcode,
      name: props.name || params.name,
      level: levelOf(props),
      map: this.current.__geo.name,
      data: params.data || null
    };
    el.dispatchEvent(new CustomEvent("corridor:region", { bubbles: true, detail: detail }));
    this.filterList(adcode, detail.name);
    // data-map-region-url="/x/__adcode__/" + data-map-region-target="#panel": load the region's list
    if (el.dataset.mapRegionUrl && window.htmx && adcode) {
      window.htmx.ajax("GET", el.dataset.mapRegionUrl.replace("__adcode__", encodeURIComponent(adcode)), {
        target: el.dataset.mapRegionTarget, swap: "innerHTML"
      });
    }
    var children = this.current.__children || {};
    var entry = children[adcode] || children[detail.name];
    if (!entry || this.busy) return;
    var self = this;
    var parent = this.current;
    this.childOption(entry, props).then(function (child) {
      return self.show(child, parent);
    }).then(function () {
      if (self.current !== parent) {
        el.dispatchEvent(new CustomEvent("corridor:map-level", { bubbles: true, detail: self.levelDetail() }));
      }
    }, function (err) {
      self.message(text(el, "mapMissing", "无法加载地图边界") + " (" + detail.name + ")", true);
      if (window.console) window.console.warn("corridor map:", err);
    });
  };

  // A message over the map; transient ones (a failed drill-down) leave the current map usable.
  MapView.prototype.message = function (msg, transient) {
    this.clearMessage();
    var box = document.createElement("div");
    box.className = "corridor-map-message";
    box.setAttribute("role", "status");
    box.style.cssText = "position:absolute;left:50%;top:50%;transform:translate(-50%,-50%);z-index:3;" +
      "padding:8px 12px;background:rgba(255,255,255,.92);border:1px solid #c9c9c9;border-radius:4px;";
    box.textContent = msg;
    this.el.appendChild(box);
    this.messageBox = box;
    if (transient) {
      var self = this;
      setTimeout(function () { if (self.messageBox === box) self.clearMessage(); }, 4000);
    }
  };

  MapView.prototype.clearMessage = function () {
    if (this.messageBox && this.messageBox.parentNode) this.messageBox.parentNode.removeChild(this.messageBox);
    this.messageBox = null;
  };

  MapView.prototype.dispose = function () {
    window.removeEventListener("resize", this.resize);
    this.chart.dispose();
  };

  function fail(el, msg) {
    el.dataset.rendered = "error";
    var box = document.createElement("div");
    box.className = "corridor-map-message";
    box.setAttribute("role", "status");
    box.textContent = msg;
    el.appendChild(box);
  }

  function renderMaps(root) {
    var nodes = [];
    if (root.matches && root.matches("[data-echarts-map]")) nodes.push(root);
    if (root.querySelectorAll) nodes = nodes.concat(Array.prototype.slice.call(root.querySelectorAll("[data-echarts-map]")));
    nodes.forEach(function (el) {
      if (el.dataset.rendered) return;
      if (!window.echarts) return fail(el, text(el, "mapMissing", "无法加载地图边界") + " (echarts)");
      var source = document.getElementById(el.dataset.echartsMap);
      var option;
      try {
        option = source && JSON.parse(source.textContent);
      } catch (e) {
        option = null;
      }
      if (!option || !option.__geo) return fail(el, text(el, "mapMissing", "无法加载地图边界"));
      el.dataset.rendered = "1";
      el.corridorMap = new MapView(el, option);
    });
  }

  window.corridorMaps = { render: renderMaps, registerGeo: registerGeo, prepare: prepare };
  document.addEventListener("DOMContentLoaded", function () { renderMaps(document); });
  document.addEventListener("htmx:afterSwap", function (e) { renderMaps(e.target); });
  document.addEventListener("htmx:beforeCleanupElement", function (e) {
    var el = e.target;
    if (el && el.corridorMap) { el.corridorMap.dispose(); el.corridorMap = null; }
  });
})();
