package dev.kwik.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one benchmark, each a median with min and max and, where there is one, its goal; printed as a
 * Markdown table and written as {@code <name>.json} and {@code <name>.md} for the suite's report
 * ({@code scripts/bench.sh} joins them).
 */
final class Results {
    record Figure(String name, String unit, double median, double min, double max, int runs, String op, double goal) {
        Boolean met() {
            if (op == null) {
                return null;
            }
            return switch (op) {
                case "<=" -> median <= goal;
                case "<" -> median < goal;
                case ">" -> median > goal;
                default -> median >= goal;
            };
        }
    }

    private final String suite;
    private final List<Figure> figures = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    Results(String suite) {
        this.suite = suite;
    }

    void add(String name, String unit, List<Double> runs, String op, double goal) {
        List<Double> s = new ArrayList<>(runs);
        Collections.sort(s);
        figures.add(new Figure(name, unit, median(s), s.get(0), s.get(s.size() - 1), s.size(), op, goal));
    }

    void add(String name, String unit, double median, double min, double max, int runs, String op, double goal) {
        figures.add(new Figure(name, unit, median, min, max, runs, op, goal));
    }

    /** A line under the table: a part that could not run and why. */
    void note(String text) {
        System.out.println("NOTE " + text);
        notes.add(text);
    }

    String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("| ").append(suite).append(" | median | min | max | runs | goal | met |\n|---|---|---|---|---|---|---|\n");
        for (Figure f : figures) {
            b.append(String.format(Locale.ROOT, "| %s | %s %s | %s | %s | %d | %s | %s |%n", f.name, num(f.median), f.unit,
                    num(f.min), num(f.max), f.runs, f.op == null ? "" : f.op + " " + num(f.goal),
                    f.met() == null ? "" : f.met() ? "yes" : "**no**"));
        }
        for (String n : notes) {
            b.append("\n- ").append(n);
        }
        return b.append(notes.isEmpty() ? "" : "\n").toString();
    }

    String json() {
        StringBuilder b = new StringBuilder("{\"suite\":\"").append(suite).append("\",\"date\":\"").append(LocalDate.now())
                .append("\",\"java\":\"").append(System.getProperty("java.version")).append("\",\"cpus\":")
                .append(Runtime.getRuntime().availableProcessors()).append(",\"figures\":[");
        for (int i = 0; i < figures.size(); i++) {
            Figure f = figures.get(i);
            b.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"name\":\"%s\",\"unit\":\"%s\",\"median\":%.3f,\"min\":%.3f,\"max\":%.3f,\"runs\":%d,\"goal\":%s,\"met\":%s}",
                    f.name, f.unit, f.median, f.min, f.max, f.runs,
                    f.op == null ? "null" : "\"" + f.op + " " + num(f.goal) + "\"", f.met()));
        }
        b.append("],\"notes\":[");
        for (int i = 0; i < notes.size(); i++) {
            b.append(i == 0 ? "" : ",").append('"').append(notes.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return b.append("]}\n").toString();
    }

    void print() {
        System.out.print(markdown());
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(suite + ".json"), json(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(suite + ".md"), markdown(), StandardCharsets.UTF_8);
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static String num(double v) {
        if (Math.abs(v) >= 1000 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
