/**
 * The rich-text editor (教学大纲). tiptap with the shared extension list, so what the editor makes
 * is exactly what the server accepts (app/modules/catalog/richtext.ts).
 *
 * - Before JavaScript runs it shows the server-rendered HTML and a note; the hidden input already
 *   holds the document JSON, so a plain form POST carries the unchanged body.
 * - Every change updates the hidden `<input name={name}>` and calls `onChange(json)` (autosave).
 * - Toolbar: an ARIA toolbar (arrow keys move between buttons), 44 px buttons with Chinese labels.
 * - Images come only from the resource library: the caller passes the image resources it may use.
 */
import { EditorContent, useEditor, useEditorState, type Editor } from "@tiptap/react";
import {
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from "react";
import {
  emptyDoc,
  isSafeHref,
  normalizeHrefInput,
  resourceImageSrc,
  richTextExtensions,
  type RichDoc,
} from "~/modules/catalog/richtext";

export type EditorImage = { id: number; title: string };

export type RichEditorProps = {
  /** Name of the hidden input that carries the JSON in a form POST. */
  name: string;
  /** Accessible name of the editing area, e.g. "教学大纲". */
  label: string;
  /** The document to start from (already validated on the server). */
  initialDoc: RichDoc | null | undefined;
  /** Its server-rendered HTML (renderDocHtml), shown until the editor is ready. */
  initialHtml: string;
  /** Image resources the editor may insert (listImageResources). */
  images?: EditorImage[];
  /** Called with the document after every change (debounce in the caller). */
  onChange?: (doc: RichDoc) => void;
  /** id of an error message to link with aria-describedby. */
  errorId?: string;
  invalid?: boolean;
  /** Where the "upload images" link in the image picker points. */
  resourcesHref?: string;
};

type Panel = null | "link" | "image";

export function RichEditor({
  name,
  label,
  initialDoc,
  initialHtml,
  images = [],
  onChange,
  errorId,
  invalid,
  resourcesHref = "/hq/resources",
}: RichEditorProps) {
  const startDoc = useMemo(() => initialDoc ?? emptyDoc(), [initialDoc]);
  const [json, setJson] = useState(() => JSON.stringify(startDoc));
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const [panel, setPanel] = useState<Panel>(null);
  const labelId = useId();
  const noteId = useId();

  const editor = useEditor({
    extensions: richTextExtensions(),
    content: startDoc,
    immediatelyRender: false,
    shouldRerenderOnTransaction: false,
    editorProps: {
      attributes: {
        class: "rich-editor-content prose",
        role: "textbox",
        "aria-multiline": "true",
        "aria-labelledby": labelId,
        ...(errorId ? { "aria-describedby": errorId } : {}),
        ...(invalid ? { "aria-invalid": "true" } : {}),
      },
    },
    onUpdate: ({ editor }) => {
      const doc = editor.getJSON() as RichDoc;
      setJson(JSON.stringify(doc));
      onChangeRef.current?.(doc);
    },
  });

  return (
    <div className={`rich-editor${invalid ? " has-error" : ""}`}>
      <span className="rich-editor-label" id={labelId}>
        {label}
      </span>
      <input type="hidden" name={name} value={json} />
      {editor ? (
        <>
          <Toolbar editor={editor} panel={panel} setPanel={setPanel} />
          {panel === "link" ? <LinkPanel editor={editor} close={() => setPanel(null)} /> : null}
          {panel === "image" ? (
            <ImagePanel
              editor={editor}
              images={images}
              resourcesHref={resourcesHref}
              close={() => setPanel(null)}
            />
          ) : null}
          <EditorContent editor={editor} className="rich-editor-body" />
        </>
      ) : (
        <>
          <p className="notice rich-editor-nojs" id={noteId}>
            编辑器需要启用 JavaScript 才能修改正文。下面是当前保存的内容；不启用 JavaScript
            时提交表单会保留原正文不变。
          </p>
          <div
            className="rich-editor-body rich-editor-preview prose"
            aria-labelledby={labelId}
            aria-describedby={noteId}
            // Server-rendered by renderDocHtml from a validated document.
            dangerouslySetInnerHTML={{ __html: initialHtml }}
          />
        </>
      )}
    </div>
  );
}

function useActive(editor: Editor) {
  return useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      h2: e.isActive("heading", { level: 2 }),
      h3: e.isActive("heading", { level: 3 }),
      bold: e.isActive("bold"),
      italic: e.isActive("italic"),
      bulletList: e.isActive("bulletList"),
      orderedList: e.isActive("orderedList"),
      blockquote: e.isActive("blockquote"),
      link: e.isActive("link"),
      table: e.isActive("table"),
      canUndo: e.can().undo(),
      canRedo: e.can().redo(),
    }),
  });
}

function Toolbar({
  editor,
  panel,
  setPanel,
}: {
  editor: Editor;
  panel: Panel;
  setPanel: (p: Panel) => void;
}) {
  const s = useActive(editor);
  const ref = useRef<HTMLDivElement>(null);
  const [focusIndex, setFocusIndex] = useState(0);

  // Roving tabindex: one tab stop for the whole toolbar, arrow keys inside it.
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const buttons = Array.from(
      ref.current?.querySelectorAll<HTMLButtonElement>("button:not([disabled])") ?? [],
    );
    const current = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (current < 0) return;
    let next = current;
    if (e.key === "ArrowRight" || e.key === "ArrowDown") next = (current + 1) % buttons.length;
    else if (e.key === "ArrowLeft" || e.key === "ArrowUp")
      next = (current - 1 + buttons.length) % buttons.length;
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = buttons.length - 1;
    else return;
    e.preventDefault();
    buttons[next]?.focus();
  };
  const onFocus = () => {
    const buttons = Array.from(ref.current?.querySelectorAll<HTMLButtonElement>("button") ?? []);
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (i >= 0) setFocusIndex(i);
  };

  const chain = () => editor.chain().focus();
  let index = 0;
  const B = (props: Omit<ToolButtonProps, "tabIndex">) => {
    const i = index++;
    return <ToolButton key={props.label} {...props} tabIndex={i === focusIndex ? 0 : -1} />;
  };

  return (
    <div
      className="rich-toolbar"
      role="toolbar"
      aria-label="正文格式"
      ref={ref}
      onKeyDown={onKeyDown}
      onFocus={onFocus}
    >
      {B({
        label: "标题",
        pressed: s?.h2,
        onClick: () => chain().toggleHeading({ level: 2 }).run(),
      })}
      {B({
        label: "小标题",
        pressed: s?.h3,
        onClick: () => chain().toggleHeading({ level: 3 }).run(),
      })}
      {B({
        label: "加粗",
        pressed: s?.bold,
        onClick: () => chain().toggleBold().run(),
        children: <b>加粗</b>,
      })}
      {B({
        label: "斜体",
        pressed: s?.italic,
        onClick: () => chain().toggleItalic().run(),
        children: <i>斜体</i>,
      })}
      {B({
        label: "项目列表",
        pressed: s?.bulletList,
        onClick: () => chain().toggleBulletList().run(),
      })}
      {B({
        label: "编号列表",
        pressed: s?.orderedList,
        onClick: () => chain().toggleOrderedList().run(),
      })}
      {B({
        label: "引用",
        pressed: s?.blockquote,
        onClick: () => chain().toggleBlockquote().run(),
      })}
      {B({
        label: "链接",
        pressed: s?.link,
        expanded: panel === "link",
        onClick: () => setPanel(panel === "link" ? null : "link"),
      })}
      {B({
        label: "图片",
        expanded: panel === "image",
        onClick: () => setPanel(panel === "image" ? null : "image"),
      })}
      {B({
        label: "表格",
        pressed: s?.table,
        onClick: () => chain().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(),
        disabled: s?.table,
      })}
      {s?.table ? (
        <>
          {B({ label: "加一行", onClick: () => chain().addRowAfter().run() })}
          {B({ label: "加一列", onClick: () => chain().addColumnAfter().run() })}
          {B({ label: "删除行", onClick: () => chain().deleteRow().run() })}
          {B({ label: "删除列", onClick: () => chain().deleteColumn().run() })}
          {B({ label: "删除表格", onClick: () => chain().deleteTable().run() })}
        </>
      ) : null}
      {B({ label: "撤销", onClick: () => chain().undo().run(), disabled: !s?.canUndo })}
      {B({ label: "重做", onClick: () => chain().redo().run(), disabled: !s?.canRedo })}
    </div>
  );
}

type ToolButtonProps = {
  label: string;
  onClick: () => void;
  pressed?: boolean;
  expanded?: boolean;
  disabled?: boolean;
  tabIndex: number;
  children?: ReactNode;
};

function ToolButton({
  label,
  onClick,
  pressed,
  expanded,
  disabled,
  tabIndex,
  children,
}: ToolButtonProps) {
  return (
    <button
      type="button"
      className="rich-tool"
      aria-pressed={pressed === undefined ? undefined : pressed}
      aria-expanded={expanded === undefined ? undefined : expanded}
      disabled={disabled}
      tabIndex={tabIndex}
      // Keep the editor's selection: act on mousedown's default, not focus.
      onMouseDown={(e) => e.preventDefault()}
      onClick={onClick}
    >
      {children ?? label}
    </button>
  );
}

function LinkPanel({ editor, close }: { editor: Editor; close: () => void }) {
  const current = (editor.getAttributes("link").href as string | undefined) ?? "";
  const [value, setValue] = useState(current);
  const [error, setError] = useState("");
  const inputId = useId();
  const errId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => inputRef.current?.focus(), []);

  const apply = useCallback(() => {
    const href = normalizeHrefInput(value);
    if (!href) {
      setError("请输入链接地址。");
      return;
    }
    if (!isSafeHref(href)) {
      setError("链接只能是 http://、https:// 或 mailto: 开头的地址，或本站的 / 路径。");
      return;
    }
    const { empty } = editor.state.selection;
    if (empty && !editor.isActive("link")) {
      editor
        .chain()
        .focus()
        .insertContent({ type: "text", text: href, marks: [{ type: "link", attrs: { href } }] })
        .run();
    } else {
      editor.chain().focus().extendMarkRange("link").setLink({ href }).run();
    }
    close();
  }, [editor, value, close]);

  return (
    <div className="rich-panel" role="group" aria-label="插入链接">
      <label htmlFor={inputId}>链接地址</label>
      <input
        id={inputId}
        ref={inputRef}
        type="text"
        inputMode="url"
        autoComplete="url"
        value={value}
        placeholder="https://"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errId : undefined}
        onChange={(e) => {
          setValue(e.target.value);
          setError("");
        }}
        onKeyDown={(e) => {
          // Enter must not submit the surrounding form.
          if (e.key === "Enter") {
            e.preventDefault();
            apply();
          } else if (e.key === "Escape") {
            e.preventDefault();
            close();
            editor.commands.focus();
          }
        }}
      />
      {error ? (
        <p className="error" id={errId} role="alert">
          {error}
        </p>
      ) : null}
      <div className="rich-panel-actions">
        <button type="button" className="button" onClick={apply}>
          确定
        </button>
        {current ? (
          <button
            type="button"
            className="button secondary"
            onClick={() => {
              editor.chain().focus().extendMarkRange("link").unsetLink().run();
              close();
            }}
          >
            移除链接
          </button>
        ) : null}
        <button
          type="button"
          className="button secondary"
          onClick={() => {
            close();
            editor.commands.focus();
          }}
        >
          取消
        </button>
      </div>
    </div>
  );
}

function ImagePanel({
  editor,
  images,
  resourcesHref,
  close,
}: {
  editor: Editor;
  images: EditorImage[];
  resourcesHref: string;
  close: () => void;
}) {
  const [filter, setFilter] = useState("");
  const inputId = useId();
  const shown = images.filter((i) => !filter || i.title.includes(filter.trim())).slice(0, 60);
  return (
    <div className="rich-panel" role="group" aria-label="从资源库插入图片">
      {images.length === 0 ? (
        <p>
          资源库中还没有可用的图片。请先到<a href={resourcesHref}>资源库</a>上传图片，再回来插入。
        </p>
      ) : (
        <>
          <label htmlFor={inputId}>筛选图片</label>
          <input
            id={inputId}
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") e.preventDefault();
            }}
          />
          <ul className="rich-image-list">
            {shown.map((img) => (
              <li key={img.id}>
                <button
                  type="button"
                  className="rich-image-choice"
                  onClick={() => {
                    // Image then an empty paragraph, so the cursor lands after the image (the
                    // next insert must not replace a selected image).
                    editor
                      .chain()
                      .focus()
                      .insertContent([
                        {
                          type: "image",
                          attrs: {
                            src: resourceImageSrc(img.id),
                            alt: img.title,
                            title: img.title,
                          },
                        },
                        { type: "paragraph" },
                      ])
                      .run();
                    close();
                  }}
                >
                  <img
                    src={resourceImageSrc(img.id)}
                    alt=""
                    loading="lazy"
                    width={96}
                    height={64}
                  />
                  <span>{img.title}</span>
                </button>
              </li>
            ))}
          </ul>
          {shown.length === 0 ? <p className="muted">没有符合条件的图片。</p> : null}
        </>
      )}
      <div className="rich-panel-actions">
        <button
          type="button"
          className="button secondary"
          onClick={() => {
            close();
            editor.commands.focus();
          }}
        >
          关闭
        </button>
      </div>
    </div>
  );
}
